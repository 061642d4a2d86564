/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-time.c: the times the API sends and expects, without a time zone
 * database: ISO 8601 with or without fraction and zone, and "Y-m-d H:i:s"
 * (UTC assumed), to and from microseconds since the epoch (UTC). Used by the
 * parser, the client and the CLI.
 */

#include "config.h"

#include <string.h>

#include "sr-time.h"

#define USEC_PER_SEC  G_GINT64_CONSTANT (1000000)
#define SEC_PER_DAY   G_GINT64_CONSTANT (86400)

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

