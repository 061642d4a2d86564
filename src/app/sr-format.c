/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-format.c: the app's human formatting of numbers, money and times. Every
 * string here is translatable; date formats are too, so translators can
 * reorder them.
 */
#define G_LOG_DOMAIN "sr-format"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "sr-types.h"
#include "sr-format.h"

char *
sr_format_count (gint64 n)
{
  /* The ' flag asks glibc for the locale's thousands separator. */
  return g_strdup_printf ("%'" G_GINT64_FORMAT, n);
}

static const char *
currency_symbol (const char *currency)
{
  if (currency == NULL)
    return NULL;
  if (g_ascii_strcasecmp (currency, "EUR") == 0)
    return "€";
  if (g_ascii_strcasecmp (currency, "USD") == 0)
    return "$";
  if (g_ascii_strcasecmp (currency, "GBP") == 0)
    return "£";
  return NULL;
}

char *
sr_format_money (double      amount,
                 const char *currency,
                 int         decimals)
{
  g_autofree char *number = NULL;
  const char *symbol;

  if (decimals < 0)
    decimals = 2;
  if (!isfinite (amount))
    amount = 0;

  number = g_strdup_printf ("%'.*f", decimals, amount);
  symbol = currency_symbol (currency);

  if (symbol != NULL)
    {
      if (amount < 0)
        /* Translators: a negative amount of money, e.g. "−€1.20" */
        return g_strdup_printf (C_("money", "−%s%s"), symbol, number + 1);
      /* Translators: an amount of money with its currency symbol, e.g. "€12.34" */
      return g_strdup_printf (C_("money", "%s%s"), symbol, number);
    }

  if (currency != NULL && *currency != '\0')
    /* Translators: an amount of money with its currency code, e.g. "12.34 CHF" */
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

static GDateTime *
date_time_from_usec (gint64   usec,
                     gboolean utc)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);

  if (dt == NULL)
    return NULL;
  if (utc)
    return g_steal_pointer (&dt);
  return g_date_time_to_local (dt);
}

char *
sr_format_time (gint64   usec,
                gboolean utc)
{
  g_autoptr(GDateTime) dt = NULL;

  if (usec == SR_TIME_NONE)
    return g_strdup ("—");

  dt = date_time_from_usec (usec, utc);
  if (dt == NULL)
    return g_strdup ("—");

  /* Translators: date and time in lists, see g_date_time_format() */
  return g_date_time_format (dt, C_("list date", "%Y-%m-%d %H:%M"));
}

char *
sr_format_time_long (gint64   usec,
                     gboolean utc)
{
  g_autoptr(GDateTime) dt = NULL;

  if (usec == SR_TIME_NONE)
    return g_strdup ("—");

  dt = date_time_from_usec (usec, utc);
  if (dt == NULL)
    return g_strdup ("—");

  /* Translators: full date and time with the zone, see g_date_time_format() */
  return g_date_time_format (dt, C_("detail date", "%Y-%m-%d %H:%M:%S %Z"));
}

char *
sr_format_relative_time (gint64 usec,
                         gint64 now_usec)
{
  gint64 seconds = (now_usec - usec) / G_USEC_PER_SEC;
  g_autoptr(GDateTime) dt = NULL;
  g_autoptr(GDateTime) now = NULL;
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

  days = g_date_time_get_day_of_year (now) - g_date_time_get_day_of_year (dt);
  if (g_date_time_get_year (now) == g_date_time_get_year (dt) && days == 0)
    /* Translators: a time earlier today, see g_date_time_format() */
    return g_date_time_format (dt, C_("relative date", "today at %H:%M"));
  if (g_date_time_get_year (now) == g_date_time_get_year (dt) && days == 1)
    /* Translators: a time yesterday, see g_date_time_format() */
    return g_date_time_format (dt, C_("relative date", "yesterday at %H:%M"));

  /* Translators: an older date, see g_date_time_format() */
  return g_date_time_format (dt, C_("relative date", "%Y-%m-%d %H:%M"));
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
