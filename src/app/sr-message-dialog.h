/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-message-dialog.h: everything about one message: its status explained,
 * the failure reason explained where known, every field and the timeline.
 */
#pragma once

#include <adwaita.h>

#include "sr-core.h"

G_BEGIN_DECLS

#define SR_TYPE_MESSAGE_DIALOG (sr_message_dialog_get_type ())
G_DECLARE_FINAL_TYPE (SrMessageDialog, sr_message_dialog, SR, MESSAGE_DIALOG, AdwDialog)

GtkWidget *sr_message_dialog_new          (SrMessage  *message,
                                           const char *currency,
                                           gboolean    show_utc);
SrMessage *sr_message_dialog_get_message  (SrMessageDialog *self);
/* Offers an "Open Campaign" button that runs win.show-campaign on the
 * window it is presented in. */
void       sr_message_dialog_set_can_open_campaign (SrMessageDialog *self,
                                                    gboolean         can_open);

G_END_DECLS
