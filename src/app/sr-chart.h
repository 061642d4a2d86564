/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-chart.h: the Dashboard's bar charts over the buckets of an SrInsights:
 * messages per day (or hour) stacked by status group, or spend per day.
 * Drawn with GtkSnapshot in libadwaita's named colours, with axis labels, a
 * tooltip per bar, keyboard navigation and a text alternative.
 */
#pragma once

#include <gtk/gtk.h>

#include "sr-core.h"

G_BEGIN_DECLS

typedef enum {
  SR_CHART_MODE_MESSAGES,   /* stacked by status group */
  SR_CHART_MODE_SPEND,      /* cost per bucket, in the account currency */
} SrChartMode;

#define SR_TYPE_CHART (sr_chart_get_type ())
G_DECLARE_FINAL_TYPE (SrChart, sr_chart, SR, CHART, GtkWidget)

GtkWidget   *sr_chart_new          (void);
void         sr_chart_set_mode     (SrChart                *self,
                                    SrChartMode             mode);
SrChartMode  sr_chart_get_mode     (SrChart                *self);
/* Copies the buckets. zone is the time zone whose days (or hours) they are,
 * for the labels; currency names the spend. n_buckets may be 0 (an empty
 * period: the chart says so). */
void         sr_chart_set_buckets  (SrChart                *self,
                                    const SrInsightsBucket *buckets,
                                    guint                   n_buckets,
                                    SrInsightsBucketSize    bucket_size,
                                    GTimeZone              *zone,
                                    const char             *currency);
guint        sr_chart_get_n_buckets (SrChart               *self);
/* Messages (or, for spend, the cost) in all buckets. */
gint64       sr_chart_get_total    (SrChart                *self);
/* Bars drawn: one per bucket, or one per several buckets when the widget
 * is too narrow for that many bars (a long period). */
guint        sr_chart_get_n_bars   (SrChart                *self);
/* What the tooltip of a bar says: its day (or hour) and exact counts. */
char        *sr_chart_dup_bar_text (SrChart                *self,
                                    guint                   bar);
/* A bar's delivery (or failure) rate over its settled messages, as the
 * rate lines draw it; -1 when none is settled. */
double       sr_chart_get_bar_rate (SrChart             *self,
                                    guint                index,
                                    SrStatusGroup        group);
/* The value axis' labels, bottom (0) to top. */
GStrv        sr_chart_dup_axis_values (SrChart             *self);
/* The text alternative (also the accessible description). */
const char  *sr_chart_get_summary  (SrChart                *self);

G_END_DECLS
