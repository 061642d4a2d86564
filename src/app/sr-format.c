/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-format.c: the app's human formatting of numbers, money and times.
 *
 * Numbers follow LC_NUMERIC (GTK calls setlocale() at start-up, so printf's
 * ' flag gives the locale's grouping and its decimal separator), dates
 * follow LC_TIME (its preferred date representation; ISO 8601 in the C
 * locale, whose "%x" is the ambiguous "11/27/26"), and the 12- or 24-hour
 * clock follows the desktop's clock-format when the user set it, else the
 * locale. Strings that put pieces together stay translatable so
 * translators can reorder them.
 */
#define G_LOG_DOMAIN "sr-format"

#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n.h>
#include <langinfo.h>
#include <locale.h>
#include <math.h>
#include <string.h>

#include "sr-types.h"
#include "sr-campaign.h"
#include "sr-format.h"

char *
sr_format_count (gint64 n)
{
  /* The ' flag asks glibc for the locale's thousands separator. */
  return g_strdup_printf ("%'" G_GINT64_FORMAT, n);
}

char *
sr_format_decimal (double value,
                   int    decimals)
{
  if (!isfinite (value))
    value = 0;
  if (decimals < 0)
    decimals = 2;

  /* Not g_ascii_formatd(): people read the locale's separator. */
  return g_strdup_printf ("%'.*f", decimals, value);
}

char *
sr_format_money (double      amount,
                 const char *currency,
                 int         decimals)
{
  g_autofree char *number = NULL;

  if (decimals < 0)
    decimals = 2;
  if (!isfinite (amount))
    amount = 0;

  number = sr_format_decimal (fabs (amount), decimals);
  /* No "−0.00" for amounts that round to zero. */
  if (amount <= -0.5 * pow (10, -decimals))
    {
      /* A real minus sign, not a hyphen. */
      g_autofree char *positive = g_steal_pointer (&number);
      number = g_strconcat ("−", positive, NULL);
    }

  if (currency != NULL && *currency != '\0')
    /* Translators: an amount of money with its ISO currency code, e.g.
     * "12.34 EUR"; swap the two if your language writes the code first */
    return g_strdup_printf (C_("money", "%s %s"), number, currency);

  return g_steal_pointer (&number);
}

char *
sr_format_percent (double fraction)
{
  if (fraction < 0 || !isfinite (fraction))
    return g_strdup ("—");

  /* Translators: a percentage, e.g. "97.3 %"; use your locale's convention */
  return g_strdup_printf (_("%.1f %%"), fraction * 100.0);
}

/* --- clocks and dates --- */

static GSettings *clock_settings;   /* org.gnome.desktop.interface, or NULL */
static gboolean   clock_checked;
static enum {
  USER_CLOCK_UNKNOWN,   /* not read yet, or changed */
  USER_CLOCK_UNSET,     /* the locale's clock */
  USER_CLOCK_12H,
  USER_CLOCK_24H,
} user_clock;

static void
on_clock_format_changed_cb (void)
{
  user_clock = USER_CLOCK_UNKNOWN;
}

static gboolean
locale_is_c (int category)
{
  const char *name = setlocale (category, NULL);

  return name == NULL ||
         strcmp (name, "POSIX") == 0 ||
         strcmp (name, "C") == 0 ||
         g_str_has_prefix (name, "C.");
}

static gboolean
locale_uses_12h (void)
{
  const char *format = nl_langinfo (T_FMT);

  /* en_US: "%r"; de_DE: "%T"; C: "%H:%M:%S" */
  return format != NULL &&
         (strstr (format, "%r") != NULL ||
          strstr (format, "%I") != NULL ||
          strstr (format, "%l") != NULL ||
          strstr (format, "%p") != NULL);
}

gboolean
sr_format_uses_12h (void)
{
  if (!clock_checked)
    {
      GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
      g_autoptr(GSettingsSchema) schema = NULL;

      clock_checked = TRUE;
      if (source != NULL)
        schema = g_settings_schema_source_lookup (source, "org.gnome.desktop.interface", TRUE);
      if (schema != NULL && g_settings_schema_has_key (schema, "clock-format"))
        {
          clock_settings = g_settings_new_full (schema, NULL, NULL);
          g_signal_connect (clock_settings, "changed::clock-format",
                            G_CALLBACK (on_clock_format_changed_cb), NULL);
        }
    }

  /* Only a choice the user made: the key's default is "24h" everywhere,
   * which would give a US locale a 24-hour clock. Remembered until the
   * key changes: a log formats a date for every row it binds. */
  if (clock_settings != NULL && user_clock == USER_CLOCK_UNKNOWN)
    {
      g_autoptr(GVariant) format = g_settings_get_user_value (clock_settings, "clock-format");

      if (format == NULL)
        user_clock = USER_CLOCK_UNSET;
      else
        user_clock = g_strcmp0 (g_variant_get_string (format, NULL), "12h") == 0 ? USER_CLOCK_12H : USER_CLOCK_24H;
    }
  if (clock_settings != NULL && user_clock != USER_CLOCK_UNSET)
    return user_clock == USER_CLOCK_12H;

  return locale_uses_12h ();
}

static const char *
date_format (void)
{
  /* The locale's own order and separators ("27.11.2026", "11/27/2026"),
   * except in the C locale. */
  return locale_is_c (LC_TIME) ? "%Y-%m-%d" : "%x";
}

char *
sr_format_clock (GDateTime *dt)
{
  g_return_val_if_fail (dt != NULL, NULL);

  if (sr_format_uses_12h ())
    {
      /* Translators: a time on a 12-hour clock, see g_date_time_format() */
      g_autofree char *text = g_date_time_format (dt, C_("12h time", "%-l:%M %p"));
      return g_strdup (g_strstrip (text));
    }

  /* Translators: a time on a 24-hour clock, see g_date_time_format() */
  return g_date_time_format (dt, C_("24h time", "%H:%M"));
}

static char *
format_clock_seconds (GDateTime *dt)
{
  if (sr_format_uses_12h ())
    {
      /* Translators: a time with seconds on a 12-hour clock, see g_date_time_format() */
      g_autofree char *text = g_date_time_format (dt, C_("12h time", "%-l:%M:%S %p"));
      return g_strdup (g_strstrip (text));
    }

  /* Translators: a time with seconds on a 24-hour clock, see g_date_time_format() */
  return g_date_time_format (dt, C_("24h time", "%H:%M:%S"));
}

char *
sr_format_hour (GDateTime *dt)
{
  g_return_val_if_fail (dt != NULL, NULL);

  if (sr_format_uses_12h ())
    {
      /* Translators: a whole hour on a 12-hour clock (chart axis), see g_date_time_format() */
      g_autofree char *text = g_date_time_format (dt, C_("12h time", "%-l %p"));
      return g_strdup (g_strstrip (text));
    }

  /* Translators: a whole hour on a 24-hour clock (chart axis), see g_date_time_format() */
  return g_date_time_format (dt, C_("24h time", "%H:00"));
}

char *
sr_format_day (GDateTime *dt)
{
  g_return_val_if_fail (dt != NULL, NULL);

  /* Translators: a day, e.g. "Nov 27, 2026", see g_date_time_format() */
  return g_date_time_format (dt, C_("day", "%b %-d, %Y"));
}

char *
sr_format_day_short (GDateTime *dt)
{
  g_return_val_if_fail (dt != NULL, NULL);

  /* Translators: a day without the year (chart axis), e.g. "Nov 27", see g_date_time_format() */
  return g_date_time_format (dt, C_("day", "%b %-d"));
}

/* The local time zone, looked up again at most once a second:
 * g_time_zone_new_local() reads /etc/localtime's link on every call, and
 * a jump in a long log formats ~200 dates at once. (Main thread only, as
 * every formatter of the lists.) */
static GTimeZone *
get_local_zone (void)
{
  static GTimeZone *zone;
  static gint64 checked_at;
  gint64 now = g_get_monotonic_time ();

  if (zone == NULL || now - checked_at > G_USEC_PER_SEC)
    {
      g_clear_pointer (&zone, g_time_zone_unref);
      zone = g_time_zone_new_local ();
      checked_at = now;
    }
  return zone;
}

static GDateTime *
date_time_from_usec (gint64   usec,
                     gboolean utc)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);

  if (dt == NULL)
    return NULL;
  if (utc)
    return g_steal_pointer (&dt);
  if (g_main_context_is_owner (g_main_context_default ()))
    return g_date_time_to_timezone (dt, get_local_zone ());
  return g_date_time_to_local (dt);
}

char *
sr_format_time (gint64   usec,
                gboolean utc)
{
  g_autoptr(GDateTime) dt = NULL;
  g_autofree char *date = NULL;
  g_autofree char *clock = NULL;

  if (usec == SR_TIME_NONE)
    return g_strdup ("—");

  dt = date_time_from_usec (usec, utc);
  if (dt == NULL)
    return g_strdup ("—");

  date = g_date_time_format (dt, date_format ());
  clock = sr_format_clock (dt);

  /* Translators: date and time in lists, e.g. "2026-11-27 14:05" */
  return g_strdup_printf (C_("list date", "%s %s"), date, clock);
}

char *
sr_format_time_long (gint64   usec,
                     gboolean utc)
{
  g_autoptr(GDateTime) dt = NULL;
  g_autofree char *date = NULL;
  g_autofree char *clock = NULL;

  if (usec == SR_TIME_NONE)
    return g_strdup ("—");

  dt = date_time_from_usec (usec, utc);
  if (dt == NULL)
    return g_strdup ("—");

  date = g_date_time_format (dt, date_format ());
  clock = format_clock_seconds (dt);

  /* Translators: full date and time with the zone, e.g. "2026-11-27 14:05:09 EET" */
  return g_strdup_printf (C_("detail date", "%s %s %s"), date, clock,
                          g_date_time_get_timezone_abbreviation (dt));
}

char *
sr_format_relative_time (gint64 usec,
                         gint64 now_usec)
{
  gint64 seconds = (now_usec - usec) / G_USEC_PER_SEC;
  g_autoptr(GDateTime) dt = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *clock = NULL;
  int days;

  if (usec == SR_TIME_NONE)
    return g_strdup (_("never"));

  if (seconds < 60)
    return g_strdup (_("just now"));

  if (seconds < 3600)
    {
      int minutes = (int) (seconds / 60);
      return g_strdup_printf (ngettext ("%d minute ago", "%d minutes ago", minutes), minutes);
    }

  if (seconds < 6 * 3600)
    {
      int hours = (int) (seconds / 3600);
      return g_strdup_printf (ngettext ("%d hour ago", "%d hours ago", hours), hours);
    }

  dt = date_time_from_usec (usec, FALSE);
  now = date_time_from_usec (now_usec, FALSE);
  if (dt == NULL || now == NULL)
    return g_strdup ("—");

  clock = sr_format_clock (dt);
  days = g_date_time_get_day_of_year (now) - g_date_time_get_day_of_year (dt);
  if (g_date_time_get_year (now) == g_date_time_get_year (dt) && days == 0)
    /* Translators: a time earlier today, %s is like "14:05" */
    return g_strdup_printf (_("today at %s"), clock);
  if (g_date_time_get_year (now) == g_date_time_get_year (dt) && days == 1)
    /* Translators: a time yesterday, %s is like "14:05" */
    return g_strdup_printf (_("yesterday at %s"), clock);

  return sr_format_time (usec, FALSE);
}

char *
sr_format_duration (gint64 usec)
{
  gint64 seconds = ABS (usec) / G_USEC_PER_SEC;

  if (seconds < 60)
    return g_strdup_printf (ngettext ("%d second", "%d seconds", (int) seconds), (int) seconds);

  if (seconds < 3600)
    {
      int minutes = (int) (seconds / 60);
      return g_strdup_printf (ngettext ("%d minute", "%d minutes", minutes), minutes);
    }

  if (seconds < 2 * 86400)
    {
      int hours = (int) (seconds / 3600);
      int minutes = (int) ((seconds % 3600) / 60);
      g_autofree char *h = g_strdup_printf (ngettext ("%d hour", "%d hours", hours), hours);
      g_autofree char *m = NULL;

      if (minutes == 0)
        return g_steal_pointer (&h);
      m = g_strdup_printf (ngettext ("%d minute", "%d minutes", minutes), minutes);
      /* Translators: a duration made of hours and minutes, e.g. "2 hours 5 minutes" */
      return g_strdup_printf (C_("duration", "%s %s"), h, m);
    }

  {
    int n_days = (int) (seconds / 86400);
    return g_strdup_printf (ngettext ("%d day", "%d days", n_days), n_days);
  }
}

/* --- campaigns --- */

#define CAMPAIGN_NAME_CHARS 36

char *
sr_format_campaign_name (SrCampaign *campaign)
{
  const char *text;
  g_autofree char *one_line = NULL;
  g_autofree char *start = NULL;
  glong len;

  g_return_val_if_fail (SR_IS_CAMPAIGN (campaign), NULL);

  text = sr_campaign_get_message (campaign);
  if (text == NULL || *g_strstrip (one_line = g_strdup (text)) == '\0')
    {
      const char *sender = sr_campaign_get_sender_id (campaign);

      return g_strdup (sender != NULL && *sender != '\0' ? sender : _("Campaign"));
    }

  g_strdelimit (one_line, "\r\n\t", ' ');
  len = g_utf8_strlen (one_line, -1);
  if (len > CAMPAIGN_NAME_CHARS)
    {
      start = g_utf8_substring (one_line, 0, CAMPAIGN_NAME_CHARS);
      g_strchomp (start);
      /* Translators: a campaign named by the start of its text */
      return g_strdup_printf (_("“%s…”"), start);
    }

  /* Translators: a campaign named by its whole (short) text */
  return g_strdup_printf (_("“%s”"), one_line);
}

char *
sr_format_campaign_details (SrCampaign *campaign,
                            gboolean    utc)
{
  g_autofree char *date = NULL;
  g_autofree char *recipients = NULL;
  g_autofree char *count = NULL;
  const char *sender;

  g_return_val_if_fail (SR_IS_CAMPAIGN (campaign), NULL);

  date = sr_format_time (sr_campaign_get_created_at (campaign), utc);
  count = sr_format_count (sr_campaign_get_recipients (campaign));
  /* Translators: a campaign's size, %s is the number */
  recipients = g_strdup_printf (ngettext ("%s recipient", "%s recipients",
                                          (gulong) sr_campaign_get_recipients (campaign)),
                                count);
  sender = sr_campaign_get_sender_id (campaign);
  if (sender == NULL || *sender == '\0')
    /* Translators: "<date> · <n> recipients" */
    return g_strdup_printf (_("%s · %s"), date, recipients);

  /* Translators: "<sender ID> · <date> · <n> recipients" */
  return g_strdup_printf (_("%s · %s · %s"), sender, date, recipients);
}
