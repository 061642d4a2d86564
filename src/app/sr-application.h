/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-application.h: the application: command-line options, app actions
 * (preferences, legend, about, quit) and the main window.
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define SR_TYPE_APPLICATION (sr_application_get_type ())
G_DECLARE_FINAL_TYPE (SrApplication, sr_application, SR, APPLICATION, AdwApplication)

SrApplication *sr_application_new (void);

G_END_DECLS
