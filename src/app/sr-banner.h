/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-banner.h: a message strip under a header bar with one optional button
 * (libadwaita 1.2 has no AdwBanner).
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define SR_TYPE_BANNER (sr_banner_get_type ())
G_DECLARE_FINAL_TYPE (SrBanner, sr_banner, SR, BANNER, GtkWidget)

GtkWidget  *sr_banner_new              (void);
const char *sr_banner_get_title        (SrBanner   *self);
void        sr_banner_set_title        (SrBanner   *self,
                                        const char *title);
void        sr_banner_set_button_label (SrBanner   *self,
                                        const char *label);
gboolean    sr_banner_get_revealed     (SrBanner   *self);
void        sr_banner_set_revealed     (SrBanner   *self,
                                        gboolean    revealed);

G_END_DECLS
