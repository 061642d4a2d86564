/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-status-bar.h: a stacked horizontal bar of message counts per status
 * group (delivered, unconfirmed, pending, failed, not sent, other).
 */
#pragma once

#include <gtk/gtk.h>

#include "sr-core.h"

G_BEGIN_DECLS

#define SR_TYPE_STATUS_BAR (sr_status_bar_get_type ())
G_DECLARE_FINAL_TYPE (SrStatusBar, sr_status_bar, SR, STATUS_BAR, GtkWidget)

GtkWidget *sr_status_bar_new            (void);
/* by_group has SR_N_STATUS_GROUPS entries. */
void       sr_status_bar_set_counts     (SrStatusBar  *self,
                                         const gint64 *by_group);
gint64     sr_status_bar_get_count      (SrStatusBar  *self,
                                         SrStatusGroup group);
gint64     sr_status_bar_get_total      (SrStatusBar  *self);
/* The CSS class (also used by legend swatches) of a group's colour. */
const char *sr_status_bar_group_style_class (SrStatusGroup group);

/* The colours of the drawn widgets (this bar, SrChart): named colours from
 * style.css, which follow libadwaita's light, dark and high-contrast
 * palettes. fallback is used when the name is not defined. */
void        sr_lookup_named_color        (GtkWidget     *widget,
                                          const char    *name,
                                          const char    *fallback,
                                          GdkRGBA       *out_color);
void        sr_status_group_lookup_color (GtkWidget     *widget,
                                          SrStatusGroup  group,
                                          GdkRGBA       *out_color);
void        sr_lookup_foreground_color   (GtkWidget     *widget,
                                          GdkRGBA       *out_color);

G_END_DECLS
