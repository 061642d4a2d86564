/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-export-bar.h: "Export…" for a report: asks for a file with the native
 * file chooser (the portal inside Flatpak), streams the CSV on a worker
 * thread (sr_export_*_async) while the bar shows progress and a Cancel
 * button, and reports the outcome as a toast with an "Open" button.
 */
#pragma once

#include <adwaita.h>

#include "sr-core.h"

G_BEGIN_DECLS

#define SR_TYPE_EXPORT_BAR (sr_export_bar_get_type ())
G_DECLARE_FINAL_TYPE (SrExportBar, sr_export_bar, SR, EXPORT_BAR, AdwBin)

GtkWidget    *sr_export_bar_new                (void);

/* Messages that pass filter, in the given order. default_name is what the
 * file chooser proposes ("messages-2026-11-27.csv"); destination skips the
 * chooser (for tests) when not NULL. Does nothing while an export runs. */
void          sr_export_bar_export_messages    (SrExportBar            *self,
                                                SrCache                *cache,
                                                const SrMessageFilter  *filter,
                                                SrMessageSort           sort,
                                                gboolean                descending,
                                                const char             *default_name,
                                                GFile                  *destination);
void          sr_export_bar_export_campaigns   (SrExportBar            *self,
                                                SrCache                *cache,
                                                const SrCampaignFilter *filter,
                                                SrCampaignSort          sort,
                                                gboolean                descending,
                                                const char             *default_name,
                                                GFile                  *destination);
gboolean      sr_export_bar_get_running        (SrExportBar            *self);
void          sr_export_bar_cancel             (SrExportBar            *self);

/* "messages-2026-11-27.csv": prefix and today's local date. */
char         *sr_export_bar_dup_default_name   (const char             *prefix);

/* For tests: the outcome of the last export that finished: the number of
 * rows written, or -1 and the error. */
gint64        sr_export_bar_get_last_rows      (SrExportBar            *self);
const GError *sr_export_bar_get_last_error     (SrExportBar            *self);
/* The toast shown for it, NULL when none. */
const char   *sr_export_bar_get_last_message   (SrExportBar            *self);

G_END_DECLS
