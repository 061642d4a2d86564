/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-period-picker.h: the one period choice of the Dashboard, the Messages
 * Log and the Campaign Log: a menu button with the presets in one order and
 * "Custom Range…" (a first and a last day on two calendars, one shown at a
 * time so the popover fits a small window).
 *
 * One rule for every page: a period is whole days of the display time zone
 * (UTC when "show-utc" is set). The presets end at the next midnight (Last
 * Month at the first of this month), a custom range at the midnight after
 * its last day; All Time is open at both ends.
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* In the order the menu shows them. */
typedef enum {
  SR_PERIOD_TODAY,
  SR_PERIOD_7_DAYS,
  SR_PERIOD_30_DAYS,
  SR_PERIOD_THIS_MONTH,
  SR_PERIOD_LAST_MONTH,
  SR_PERIOD_ALL,
  SR_PERIOD_CUSTOM,
} SrPeriod;

#define SR_TYPE_PERIOD_PICKER (sr_period_picker_get_type ())
G_DECLARE_FINAL_TYPE (SrPeriodPicker, sr_period_picker, SR, PERIOD_PICKER, AdwBin)

GtkWidget  *sr_period_picker_new             (void);
/* The translated name of a period ("Last 7 Days"; "Custom Range"). */
const char *sr_period_get_label              (SrPeriod        period);
/* The setting's name of a preset ("7-days"), NULL for SR_PERIOD_CUSTOM;
 * and back (SR_PERIOD_CUSTOM for a name it does not know). */
const char *sr_period_to_string              (SrPeriod        period);
SrPeriod    sr_period_from_string            (const char     *name);

SrPeriod    sr_period_picker_get_period      (SrPeriodPicker *self);
/* SR_PERIOD_CUSTOM uses the days last given to
 * sr_period_picker_set_custom_days() (today when none). The setters do not
 * emit "changed": that signal is the user's choice. */
void        sr_period_picker_set_period      (SrPeriodPicker *self,
                                              SrPeriod        period);
/* Whole days in the display time zone, in either order; the period becomes
 * SR_PERIOD_CUSTOM. */
void        sr_period_picker_set_custom_days (SrPeriodPicker *self,
                                              GDateTime      *first_day,
                                              GDateTime      *last_day);
/* [from, to) in microseconds UTC; SR_TIME_NONE where open (All Time). */
void        sr_period_picker_get_range       (SrPeriodPicker *self,
                                              gint64         *out_from,
                                              gint64         *out_to);
/* Shows [from, to) when the picker can say it: a preset, or whole days
 * (a custom range); to SR_TIME_NONE is taken as the next midnight. Returns
 * FALSE, changing nothing, for any other range. */
gboolean    sr_period_picker_set_range       (SrPeriodPicker *self,
                                              gint64          from,
                                              gint64          to);
/* The display time zone: UTC with "show-utc", else the local one. */
GTimeZone  *sr_period_picker_dup_zone        (SrPeriodPicker *self);

/* For tests. The choices of the menu, in order, "Custom Range…" last. */
GStrv       sr_period_picker_dup_choices     (SrPeriodPicker *self);
GtkPopover *sr_period_picker_get_popover     (SrPeriodPicker *self);
/* What picking the two days on the calendars and "Apply" does. */
void        sr_period_picker_apply_custom    (SrPeriodPicker *self,
                                              GDateTime      *first_day,
                                              GDateTime      *last_day);

G_END_DECLS
