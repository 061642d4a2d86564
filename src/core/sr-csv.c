/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-csv.c: writes messages as RFC 4180 CSV. Times are ISO 8601 UTC;
 * numbers use '.' whatever the locale, so files read back anywhere.
 */

#define G_LOG_DOMAIN "sr-csv"

#include "config.h"

#include "sr-csv.h"
#include "sr-message.h"

void
sr_csv_append_field (GString    *out,
                     const char *value)
{
  if (value == NULL || *value == '\0')
    return;

  if (strpbrk (value, ",\"\r\n") == NULL)
    {
      g_string_append (out, value);
      return;
    }

  g_string_append_c (out, '"');
  for (const char *p = value; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

gboolean
sr_csv_is_formula_trigger (const char *value)
{
  return value != NULL && value[0] != '\0' && strchr ("=+-@\t\r", value[0]) != NULL;
}

void
sr_csv_append_text (GString    *out,
                    const char *value,
                    SrCsvFlags  flags)
{
  if ((flags & SR_CSV_FLAGS_EXACT) || !sr_csv_is_formula_trigger (value))
    {
      sr_csv_append_field (out, value);
      return;
    }

  /* OWASP: prefix a single quote and enclose the cell in quotes */
  g_string_append (out, "\"'");
  for (const char *p = value; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

char *
sr_csv_format_utc (gint64 usec)
{
  g_autoptr(GDateTime) dt = NULL;

  if (usec == SR_TIME_NONE)
    return g_strdup ("");

  dt = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  if (dt == NULL)
    return g_strdup ("");
  return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
}

static void
append_time (GString *out,
             gint64   usec)
{
  g_autofree char *text = sr_csv_format_utc (usec);
  g_string_append (out, text);
}

void
sr_csv_append_message_header (GString    *out,
                              SrCsvFlags  flags)
{
  g_string_append (out, "id,created_at,sent_at,updated_at,to,sender_id,status,sms_count,cost,campaign_id,failed_reason,message");
  if (flags & SR_CSV_FLAGS_LOCAL_TIME)
    g_string_append (out, ",local_time");
  g_string_append (out, "\r\n");
}

void
sr_csv_append_message (GString    *out,
                       SrMessage  *message,
                       SrCsvFlags  flags)
{
  char number[G_ASCII_DTOSTR_BUF_SIZE];

  sr_csv_append_text (out, sr_message_get_id (message), flags);
  g_string_append_c (out, ',');
  append_time (out, sr_message_get_created_at (message));
  g_string_append_c (out, ',');
  append_time (out, sr_message_get_sent_at (message));
  g_string_append_c (out, ',');
  append_time (out, sr_message_get_updated_at (message));
  g_string_append_c (out, ',');
  sr_csv_append_text (out, sr_message_get_to (message), flags);
  g_string_append_c (out, ',');
  sr_csv_append_text (out, sr_message_get_sender_id (message), flags);
  g_string_append_c (out, ',');
  sr_csv_append_text (out, sr_message_get_status_raw (message), flags);
  g_string_append_printf (out, ",%d,", sr_message_get_sms_count (message));
  g_string_append (out, g_ascii_dtostr (number, sizeof number, sr_message_get_cost (message)));
  g_string_append_c (out, ',');
  sr_csv_append_text (out, sr_message_get_campaign_id (message), flags);
  g_string_append_c (out, ',');
  sr_csv_append_text (out, sr_message_get_failed_reason (message), flags);
  g_string_append_c (out, ',');
  sr_csv_append_text (out, sr_message_get_message (message), flags);

  if (flags & SR_CSV_FLAGS_LOCAL_TIME)
    {
      gint64 created = sr_message_get_created_at (message);

      g_string_append_c (out, ',');
      if (created != SR_TIME_NONE)
        {
          g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (created / G_USEC_PER_SEC);
          g_autofree char *text = dt ? g_date_time_format (dt, "%Y-%m-%d %H:%M:%S") : NULL;

          if (text != NULL)
            g_string_append (out, text);
        }
    }

  g_string_append (out, "\r\n");
}
