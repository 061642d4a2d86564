/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-status-pill.h: a delivery status as a small coloured label whose
 * tooltip explains it.
 */
#pragma once

#include <gtk/gtk.h>

#include "sr-core.h"

G_BEGIN_DECLS

#define SR_TYPE_STATUS_PILL (sr_status_pill_get_type ())
G_DECLARE_FINAL_TYPE (SrStatusPill, sr_status_pill, SR, STATUS_PILL, GtkWidget)

GtkWidget  *sr_status_pill_new         (void);
/* raw is the API's string, shown as is for statuses the app does not know. */
void        sr_status_pill_set_status  (SrStatusPill *self,
                                        SrStatus      status,
                                        const char   *raw);
/* Shows nothing until the next sr_status_pill_set_status(): a row not
 * read yet. */
void        sr_status_pill_set_blank   (SrStatusPill *self);
/* As wide as the widest status name, in a column of a log: the pills of
 * a column line up, and a row that shows another known status needs a
 * redraw, not a new layout of the list. */
void        sr_status_pill_set_uniform (SrStatusPill *self,
                                        gboolean      uniform);
SrStatus    sr_status_pill_get_status  (SrStatusPill *self);
/* The layout the pill drew last, NULL before its first draw (for tests). */
PangoLayout *sr_status_pill_get_layout (SrStatusPill *self);
const char *sr_status_pill_get_text    (SrStatusPill *self);

G_END_DECLS
