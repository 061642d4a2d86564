/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-selection.h: a multiple-selection model over a lazy list that only
 * keeps positions. Selecting (even all of a million rows) never asks the
 * model for an item.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define SR_TYPE_SELECTION (sr_selection_get_type ())
G_DECLARE_FINAL_TYPE (SrSelection, sr_selection, SR, SELECTION, GObject)

SrSelection *sr_selection_new       (GListModel  *model);
GListModel  *sr_selection_get_model (SrSelection *self);
void         sr_selection_set_model (SrSelection *self,
                                     GListModel  *model);

G_END_DECLS
