/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-gtk-compat.h: small helpers over GTK and libadwaita API: calls whose
 * GTK API changed after the app's baseline (GTK 4.18), and children of a
 * box that may be a GtkBox or an AdwWrapBox (the filter bars wrap). Where the build allows the newer API (GDK_VERSION_MAX_ALLOWED,
 * as in the forward check against newer GTK) it is used; at the baseline
 * the older one is, without a deprecation warning either way.
 */

#pragma once

#include <adwaita.h>

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

/* parent is a GtkBox or an AdwWrapBox. */
static inline void
sr_container_append (GtkWidget *parent,
                     GtkWidget *child)
{
  if (ADW_IS_WRAP_BOX (parent))
    adw_wrap_box_append (ADW_WRAP_BOX (parent), child);
  else
    gtk_box_append (GTK_BOX (parent), child);
}

static inline void
sr_container_insert_after (GtkWidget *parent,
                           GtkWidget *child,
                           GtkWidget *sibling)
{
  if (ADW_IS_WRAP_BOX (parent))
    adw_wrap_box_insert_child_after (ADW_WRAP_BOX (parent), child, sibling);
  else
    gtk_box_insert_child_after (GTK_BOX (parent), child, sibling);
}

static inline void
sr_container_remove (GtkWidget *parent,
                     GtkWidget *child)
{
  if (ADW_IS_WRAP_BOX (parent))
    adw_wrap_box_remove (ADW_WRAP_BOX (parent), child);
  else
    gtk_box_remove (GTK_BOX (parent), child);
}

G_END_DECLS
