/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-shortcuts-dialog.h: the keyboard shortcuts, listed in a dialog that
 * follows the main window.
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define SR_TYPE_SHORTCUTS_DIALOG (sr_shortcuts_dialog_get_type ())
G_DECLARE_FINAL_TYPE (SrShortcutsDialog, sr_shortcuts_dialog, SR, SHORTCUTS_DIALOG, AdwDialog)

GtkWidget *sr_shortcuts_dialog_new         (void);
/* The number of shortcuts listed, for the tests. */
guint      sr_shortcuts_dialog_get_n_shortcuts (SrShortcutsDialog *self);

G_END_DECLS
