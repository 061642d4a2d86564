/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * main.c: sets up translations and resources and runs SrApplication.
 */
#define G_LOG_DOMAIN "sms-reports"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "sr-application.h"
#include "sr-resources.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(SrApplication) app = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_application_name (_("SMS Reports"));
  sr_register_resource ();

  app = sr_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
