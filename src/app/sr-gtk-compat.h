/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-gtk-compat.h: calls whose GTK API changed after the app's baseline
 * (GTK 4.18). Where the build allows the newer API (GDK_VERSION_MAX_ALLOWED,
 * as in the forward check against newer GTK) it is used; at the baseline
 * the older one is, without a deprecation warning either way.
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Selects date's day in calendar (gtk_calendar_select_day() is deprecated
 * since GTK 4.20 in favour of gtk_calendar_set_date()). */
static inline void
sr_calendar_select_date (GtkCalendar *calendar,
                         GDateTime   *date)
{
#if defined (GDK_VERSION_4_20) && GDK_VERSION_MAX_ALLOWED >= GDK_VERSION_4_20
  gtk_calendar_set_date (calendar, date);
#else
  gtk_calendar_select_day (calendar, date);
#endif
}

G_END_DECLS
