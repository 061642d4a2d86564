/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-legend-window.h: what every delivery status means, whether it is
 * billed and whether it can still change.
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define SR_TYPE_LEGEND_WINDOW (sr_legend_window_get_type ())
G_DECLARE_FINAL_TYPE (SrLegendWindow, sr_legend_window, SR, LEGEND_WINDOW, AdwWindow)

GtkWidget *sr_legend_window_new (void);

/* For tests: the API names of the statuses listed, in order. */
GStrv      sr_legend_window_dup_statuses (SrLegendWindow *self);

G_END_DECLS
