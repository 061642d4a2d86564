/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-api-parse.c: response bodies to records. The field variants SMS.to is
 * known to send (SMSTO-API.md, "Parsing rules") are all accepted here, so the
 * rest of the app sees one shape. Pure functions without I/O or global state:
 * safe on worker threads and suitable for fuzzing (tests/fuzz-parse.c).
 *
 * Speed matters because a first sync can read hundreds of thousands of
 * messages: each body goes through one JsonParser, members are read straight
 * from the tree, and only the strings a record keeps are copied.
 */

#define G_LOG_DOMAIN "sr-api-parse"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sr-api-client.h"
#include "sr-api-parse.h"
#include "sr-campaign-private.h"
#include "sr-message-private.h"
#include "sr-status.h"

/* json-glib's parser recurses once per nesting level and has no limit of its
 * own, so a hostile or broken body of a million '[' would overflow the stack.
 * Real responses nest three levels deep. */
#define MAX_NESTING 64

#define USEC_PER_SEC  G_GINT64_CONSTANT (1000000)
#define SEC_PER_DAY   G_GINT64_CONSTANT (86400)

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

/* JSON node readers. All accept NULL (a missing member) and dispatch on
 * json_node_get_value_type(), which is G_TYPE_INVALID for JSON null and
 * JSON_TYPE_OBJECT/ARRAY for containers, so those read as missing without a
 * separate (and, per field, measurable) node type check. */

static inline JsonNode *
get_member (JsonObject *object,
            const char *name)
{
  return json_object_get_member (object, name);
}

static inline const char *
node_peek_string (JsonNode *node)
{
  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
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

/* A string member as a new string, or NULL when missing, null, empty or not
 * a scalar. Numbers are turned into their decimal text (ids and phone
 * numbers sometimes arrive as numbers). */
static char *
node_dup_string (JsonNode *node)
{
  GType type;

  if (node == NULL)
    return NULL;

  type = json_node_get_value_type (node);

  if (type == G_TYPE_STRING)
    {
      const char *str = json_node_get_string (node);

      if (str == NULL || str[0] == '\0')
        return NULL;

      return g_strdup (str);
    }
  else if (type == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  else if (type == G_TYPE_DOUBLE)
    return format_double (json_node_get_double (node));

  return NULL;
}

static inline char *
dup_string_member (JsonObject *object,
                   const char *name)
{
  return node_dup_string (get_member (object, name));
}

static gboolean
node_get_double (JsonNode *node,
                 double   *out)
{
  GType type;

  if (node == NULL)
    return FALSE;

  type = json_node_get_value_type (node);

  if (type == G_TYPE_DOUBLE)
    {
      double value = json_node_get_double (node);

      if (!isfinite (value))
        return FALSE;
      *out = value;
      return TRUE;
    }
  else if (type == G_TYPE_INT64)
    {
      *out = (double) json_node_get_int (node);
      return TRUE;
    }
  else if (type == G_TYPE_STRING)
    return string_to_double (json_node_get_string (node), out);

  return FALSE;
}

static gboolean
node_get_int64 (JsonNode *node,
                gint64   *out)
{
  GType type;

  if (node == NULL)
    return FALSE;

  type = json_node_get_value_type (node);

  if (type == G_TYPE_INT64)
    {
      *out = json_node_get_int (node);
      return TRUE;
    }
  else if (type == G_TYPE_DOUBLE)
    return double_to_int64 (json_node_get_double (node), out);
  else if (type == G_TYPE_BOOLEAN)
    {
      *out = json_node_get_boolean (node) ? 1 : 0;
      return TRUE;
    }
  else if (type == G_TYPE_STRING)
    return string_to_int64 (json_node_get_string (node), out);

  return FALSE;
}

/* A count: never negative; 0 when missing or unreadable. */
static gint64
get_count_member (JsonObject *object,
                  const char *name,
                  gint64      max)
{
  gint64 value;

  if (!node_get_int64 (get_member (object, name), &value))
    return 0;

  return CLAMP (value, 0, max);
}

static gboolean
get_flag_member (JsonObject *object,
                 const char *name)
{
  JsonNode *node = get_member (object, name);
  GType type;

  if (node == NULL)
    return FALSE;

  type = json_node_get_value_type (node);

  if (type == G_TYPE_BOOLEAN)
    return json_node_get_boolean (node);
  else if (type == G_TYPE_INT64)
    return json_node_get_int (node) != 0;
  else if (type == G_TYPE_DOUBLE)
    return json_node_get_double (node) != 0.0;
  else if (type == G_TYPE_STRING)
    return string_to_flag (json_node_get_string (node));

  return FALSE;
}

static double
get_money_member (JsonObject *object,
                  const char *name)
{
  double value;

  if (!node_get_double (get_member (object, name), &value))
    return 0.0;

  return value;
}

/* Dates are ISO 8601 / "Y-m-d H:i:s" strings. A number is taken as a Unix
 * time in seconds, or in milliseconds when it is too large to be seconds
 * (1e11 s is in the year 5138). */
static gint64
get_time_member (JsonObject *object,
                 const char *name)
{
  JsonNode *node = get_member (object, name);
  GType type;
  gint64 usec;

  if (node == NULL)
    return SR_TIME_NONE;

  type = json_node_get_value_type (node);

  if (type == G_TYPE_STRING)
    {
      if (sr_api_parse_time (json_node_get_string (node), &usec))
        return usec;
    }
  else if (type == G_TYPE_INT64 || type == G_TYPE_DOUBLE)
    {
      double seconds = json_node_get_double (node);

      if (fabs (seconds) >= 1e11)
        seconds /= 1000.0;
      /* Years 0000 to 9999 only, like the string formats. */
      if (isfinite (seconds) && seconds > -62167219200.0 && seconds < 253402300800.0)
        return (gint64) (seconds * 1e6);
    }

  return SR_TIME_NONE;
}

/* Key rule of SMSTO-API.md: "_id" when present and non-empty, else "id". */
static char *
dup_record_id (JsonObject *object)
{
  char *id = dup_string_member (object, "_id");

  if (id == NULL)
    id = dup_string_member (object, "id");

  return id;
}

/* Times */

static inline gboolean
is_leap_year (gint64 year)
{
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static int
days_in_month (gint64 year,
               int    month)
{
  static const guint8 days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

  if (month == 2 && is_leap_year (year))
    return 29;

  return days[month - 1];
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil), without any time zone database. */
static gint64
days_from_civil (gint64 year,
                 int    month,
                 int    day)
{
  gint64 era, yoe, doy, doe;

  year -= month <= 2;
  era = (year >= 0 ? year : year - 399) / 400;
  yoe = year - era * 400;
  doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

  return era * 146097 + doe - 719468;
}

static void
civil_from_days (gint64  days,
                 gint64 *out_year,
                 int    *out_month,
                 int    *out_day)
{
  gint64 era, doe, yoe, doy, mp;
  int month;

  days += 719468;
  era = (days >= 0 ? days : days - 146096) / 146097;
  doe = days - era * 146097;
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  month = (int) (mp < 10 ? mp + 3 : mp - 9);

  *out_day = (int) (doy - (153 * mp + 2) / 5 + 1);
  *out_month = month;
  *out_year = yoe + era * 400 + (month <= 2);
}

/* Reads exactly @n digits. */
static inline gboolean
read_digits (const char **p,
             const char  *end,
             int          n,
             int         *out)
{
  int value = 0;

  if (end - *p < n)
    return FALSE;

  for (int i = 0; i < n; i++)
    {
      char c = (*p)[i];

      if (!g_ascii_isdigit (c))
        return FALSE;
      value = value * 10 + (c - '0');
    }

  *p += n;
  *out = value;

  return TRUE;
}

static inline gboolean
accept_char (const char **p,
             const char  *end,
             char         c)
{
  if (*p < end && **p == c)
    {
      (*p)++;
      return TRUE;
    }

  return FALSE;
}

/* Zone designator at the end of a time: "Z", "+02:00", "+0200", "+02", and
 * the "UTC"/"GMT" some servers print after a space. */
static gboolean
read_zone (const char **p,
           const char  *end,
           int         *out_offset_seconds)
{
  const char *q = *p;
  int hours = 0, minutes = 0;
  int sign;

  *out_offset_seconds = 0;

  while (q < end && *q == ' ')
    q++;

  if (q == end)
    {
      *p = q;
      return TRUE;
    }

  if (*q == 'Z' || *q == 'z')
    {
      *p = q + 1;
      return TRUE;
    }

  if (end - q >= 3 && (g_ascii_strncasecmp (q, "UTC", 3) == 0 || g_ascii_strncasecmp (q, "GMT", 3) == 0))
    {
      q += 3;
      if (q == end)
        {
          *p = q;
          return TRUE;
        }
    }

  if (*q != '+' && *q != '-')
    return FALSE;

  sign = *q == '-' ? -1 : 1;
  q++;

  if (!read_digits (&q, end, 2, &hours))
    return FALSE;
  if (q < end)
    {
      accept_char (&q, end, ':');
      if (!read_digits (&q, end, 2, &minutes))
        return FALSE;
    }

  if (hours > 23 || minutes > 59)
    return FALSE;

  *out_offset_seconds = sign * (hours * 3600 + minutes * 60);
  *p = q;

  return TRUE;
}

gboolean
sr_api_parse_time (const char *str,
                   gint64     *out_usec)
{
  const char *p, *end;
  int year, month, day;
  int hour = 0, minute = 0, second = 0, usec = 0;
  int offset = 0;
  gboolean basic;
  gint64 days, seconds;

  if (str == NULL)
    return FALSE;

  p = str;
  end = str + strlen (str);
  trim_span (&p, &end);

  /* Date: "2022-02-01" (extended) or "20220201" (basic). */
  if (!read_digits (&p, end, 4, &year))
    return FALSE;
  basic = !accept_char (&p, end, '-');
  if (!read_digits (&p, end, 2, &month))
    return FALSE;
  if (!basic && !accept_char (&p, end, '-'))
    return FALSE;
  if (!read_digits (&p, end, 2, &day))
    return FALSE;

  if (month < 1 || month > 12 || day < 1 || day > days_in_month (year, month))
    return FALSE;

  /* Time: 'T' or spaces, then "07:29[:59[.000000]]" or basic "0729[59]". */
  if (p < end)
    {
      if (*p == 'T' || *p == 't')
        p++;
      else if (*p == ' ')
        {
          while (p < end && *p == ' ')
            p++;
        }
      else
        return FALSE;

      if (!read_digits (&p, end, 2, &hour))
        return FALSE;
      if (!basic && !accept_char (&p, end, ':'))
        return FALSE;
      if (!read_digits (&p, end, 2, &minute))
        return FALSE;

      if ((basic && p < end && g_ascii_isdigit (*p)) || accept_char (&p, end, ':'))
        {
          if (!read_digits (&p, end, 2, &second))
            return FALSE;

          if (accept_char (&p, end, '.') || accept_char (&p, end, ','))
            {
              int n = 0;

              if (p == end || !g_ascii_isdigit (*p))
                return FALSE;

              /* Microseconds: extra digits are dropped, missing ones are 0. */
              for (; p < end && g_ascii_isdigit (*p); p++, n++)
                {
                  if (n < 6)
                    usec = usec * 10 + (*p - '0');
                }
              for (; n < 6; n++)
                usec *= 10;
            }
        }

      /* 60 is a leap second; it simply runs into the next minute. */
      if (hour > 23 || minute > 59 || second > 60)
        return FALSE;

      if (!read_zone (&p, end, &offset))
        return FALSE;
    }

  if (p != end)
    return FALSE;

  days = days_from_civil (year, month, day);
  seconds = days * SEC_PER_DAY + hour * 3600 + minute * 60 + second - offset;

  if (out_usec != NULL)
    *out_usec = seconds * USEC_PER_SEC + usec;

  return TRUE;
}

static void
split_usec (gint64  usec,
            gint64 *out_year,
            int    *out_month,
            int    *out_day,
            int    *out_hour,
            int    *out_minute,
            int    *out_second,
            int    *out_usec)
{
  gint64 seconds = usec / USEC_PER_SEC;
  gint64 rem_usec = usec % USEC_PER_SEC;
  gint64 days, rem_seconds;

  if (rem_usec < 0)
    {
      rem_usec += USEC_PER_SEC;
      seconds--;
    }

  days = seconds / SEC_PER_DAY;
  rem_seconds = seconds % SEC_PER_DAY;
  if (rem_seconds < 0)
    {
      rem_seconds += SEC_PER_DAY;
      days--;
    }

  civil_from_days (days, out_year, out_month, out_day);
  *out_hour = (int) (rem_seconds / 3600);
  *out_minute = (int) (rem_seconds / 60 % 60);
  *out_second = (int) (rem_seconds % 60);
  *out_usec = (int) rem_usec;
}

char *
sr_api_format_query_time (gint64 usec)
{
  gint64 year;
  int month, day, hour, minute, second, micro;

  split_usec (usec, &year, &month, &day, &hour, &minute, &second, &micro);

  return g_strdup_printf ("%04" G_GINT64_FORMAT "-%02d-%02d %02d:%02d:%02d",
                          year, month, day, hour, minute, second);
}

char *
sr_api_format_iso_time (gint64 usec)
{
  gint64 year;
  int month, day, hour, minute, second, micro;

  split_usec (usec, &year, &month, &day, &hour, &minute, &second, &micro);

  return g_strdup_printf ("%04" G_GINT64_FORMAT "-%02d-%02dT%02d:%02d:%02d.%06dZ",
                          year, month, day, hour, minute, second, micro);
}

/* Bodies */

static void
skip_bom_and_spaces (const char **p,
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
      skip_bom_and_spaces (&p, end);
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

  message = node_dup_string (node);
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
static gboolean
body_says_failure (JsonObject *root)
{
  JsonNode *node = get_member (root, "success");
  GType type;

  if (node == NULL)
    return FALSE;

  type = json_node_get_value_type (node);

  if (type == G_TYPE_BOOLEAN)
    return !json_node_get_boolean (node);
  else if (type == G_TYPE_INT64)
    return json_node_get_int (node) == 0;
  else if (type == G_TYPE_STRING)
    {
      const char *str = json_node_get_string (node);

      return g_ascii_strcasecmp (str, "false") == 0 || g_strcmp0 (str, "0") == 0;
    }

  return FALSE;
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
 * would read as 0/1 through node_get_int64(), which is no page number. */
static gboolean
read_envelope_value (JsonNode *node,
                     gint64   *out)
{
  return node != NULL &&
         json_node_get_value_type (node) != G_TYPE_BOOLEAN &&
         node_get_int64 (node, out) &&
         *out >= 0;
}

/* -1 when the body does not carry the field in a readable form. */
static gint64
get_envelope_member (JsonObject *root,
                     JsonObject *meta,
                     const char *name)
{
  gint64 value;

  if (read_envelope_value (get_member (root, name), &value))
    return value;

  /* Laravel API resources move the pagination into "meta". */
  if (meta != NULL && read_envelope_value (get_member (meta, name), &value))
    return value;

  return -1;
}

static void
read_page_info (JsonObject *root,
                SrPageInfo *info)
{
  JsonNode *meta_node = json_object_get_member (root, "meta");
  JsonObject *meta = NULL;

  if (meta_node != NULL && JSON_NODE_HOLDS_OBJECT (meta_node))
    meta = json_node_get_object (meta_node);

  info->current_page = get_envelope_member (root, meta, "current_page");
  info->last_page = get_envelope_member (root, meta, "last_page");
  info->per_page = get_envelope_member (root, meta, "per_page");
  info->total = get_envelope_member (root, meta, "total");
}

/* Records */

static SrMessage *
message_from_object (JsonObject *object)
{
  SrMessage *message;
  char *id;
  const char *status;

  id = dup_record_id (object);
  if (id == NULL)
    return NULL;

  message = sr_message_new_empty ();
  message->id = id;
  message->campaign_id = dup_string_member (object, "campaign_id");
  message->to = dup_string_member (object, "to");
  message->sender_id = dup_string_member (object, "sender_id");
  message->message = dup_string_member (object, "message");
  message->failed_reason = dup_string_member (object, "failed_reason");
  message->timezone = dup_string_member (object, "timezone");
  message->message_type = dup_string_member (object, "type");
  message->user_id = dup_string_member (object, "user_id");
  message->callback_url = dup_string_member (object, "callback_url");
  message->provider = dup_string_member (object, "provider");
  message->message_id = dup_string_member (object, "message_id");
  message->internal_failed_reason = dup_string_member (object, "internal_failed_reason");

  /* Kept as sent (upper-cased, trimmed) so unknown values can be shown. */
  status = node_peek_string (get_member (object, "status"));
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
      message->status_raw = dup_string_member (object, "status");
      if (message->status_raw == NULL)
        message->status_raw = g_strdup ("");
      message->status = SR_STATUS_UNKNOWN;
    }

  message->sms_count = (int) get_count_member (object, "sms_count", G_MAXINT);

  if (!node_get_double (get_member (object, "cost"), &message->cost) &&
      !node_get_double (get_member (object, "client_cost"), &message->cost))
    message->cost = 0.0;

  message->created_at = get_time_member (object, "created_at");
  message->updated_at = get_time_member (object, "updated_at");
  message->sent_at = get_time_member (object, "sent_at");
  message->scheduled_for = get_time_member (object, "scheduled_for");

  message->is_api = get_flag_member (object, "is_api");
  message->optout = get_flag_member (object, "optout");
  message->final_callback_sent = get_flag_member (object, "final_callback_sent");

  return message;
}

static SrCampaign *
campaign_from_object (JsonObject *object)
{
  SrCampaign *campaign;
  char *id;

  id = dup_record_id (object);
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

typedef gpointer (*RecordFromObject) (JsonObject *object);

static gpointer
message_record (JsonObject *object)
{
  return message_from_object (object);
}

static gpointer
campaign_record (JsonObject *object)
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
        record = record_from_object (json_node_get_object (node));

      if (record != NULL)
        g_ptr_array_add (page->items, record);
      else
        page->info.n_skipped++;
    }

  return g_steal_pointer (&page);
}

SrPage *
sr_api_parse_messages_page (GBytes  *body,
                            GError **error)
{
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return parse_page (body, message_record, error);
}

SrPage *
sr_api_parse_campaigns_page (GBytes  *body,
                             GError **error)
{
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return parse_page (body, campaign_record, error);
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

  record = record_from_object (object);
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

  if (JSON_NODE_TYPE (balance_node) != JSON_NODE_VALUE ||
      !node_get_double (balance_node, &balance))
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
