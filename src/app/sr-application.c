/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-application.c: starts SMS Reports. --api-url, --auth-url and
 * --data-dir point a run at another server and data folder (tests, the
 * demo, the sandbox); SMSTO_API_KEY gives a key for this run only, never
 * stored. A run with its own data folder is not unique, so a demo can run
 * beside the real app.
 */
#define G_LOG_DOMAIN "sr-application"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sr-application.h"
#include "sr-legend-window.h"
#include "sr-preferences-dialog.h"
#include "sr-window.h"

struct _SrApplication
{
  AdwApplication  parent_instance;

  char           *api_url;
  char           *auth_url;
  char           *data_dir;
  char           *env_api_key;   /* wiped on free */
  GtkWidget      *legend_window;
};

G_DEFINE_FINAL_TYPE (SrApplication, sr_application, ADW_TYPE_APPLICATION)

static const GOptionEntry option_entries[] = {
  { "api-url", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Address of the SMS.to reporting API"), N_("URL") },
  { "auth-url", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Address of the SMS.to account API"), N_("URL") },
  { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Folder for downloaded reports"), N_("FOLDER") },
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Show the version and quit"), NULL },
  { NULL }
};

static GtkWindow *
get_main_window (SrApplication *self)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (SR_IS_WINDOW (l->data))
      return l->data;

  return NULL;
}

static int
sr_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  SrApplication *self = SR_APPLICATION (app);

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("sms-reports %s\n", PACKAGE_VERSION);
      return 0;
    }

  g_variant_dict_lookup (options, "api-url", "s", &self->api_url);
  g_variant_dict_lookup (options, "auth-url", "s", &self->auth_url);
  g_variant_dict_lookup (options, "data-dir", "^ay", &self->data_dir);

  /* A separate data folder is a separate instance (demo next to real use). */
  if (self->data_dir != NULL)
    g_application_set_flags (app, g_application_get_flags (app) | G_APPLICATION_NON_UNIQUE);

  return G_APPLICATION_CLASS (sr_application_parent_class)->handle_local_options (app, options);
}

static void
sr_application_activate (GApplication *app)
{
  SrApplication *self = SR_APPLICATION (app);
  GtkWindow *window = get_main_window (self);

  if (window == NULL)
    window = GTK_WINDOW (sr_window_new (GTK_APPLICATION (self),
                                        self->api_url,
                                        self->auth_url,
                                        self->data_dir,
                                        self->env_api_key));

  gtk_window_present (window);
}

static void
sr_application_startup (GApplication *app)
{
  SrApplication *self = SR_APPLICATION (app);
  const char *key;

  G_APPLICATION_CLASS (sr_application_parent_class)->startup (app);

  /* For this run only: handed to the window, never stored. */
  key = g_getenv ("SMSTO_API_KEY");
  if (key != NULL && *key != '\0')
    self->env_api_key = g_strdup (key);

  gtk_window_set_default_icon_name (APPLICATION_ID);
}

static void
sr_application_finalize (GObject *object)
{
  SrApplication *self = SR_APPLICATION (object);

  g_clear_pointer (&self->api_url, g_free);
  g_clear_pointer (&self->auth_url, g_free);
  g_clear_pointer (&self->data_dir, g_free);
  if (self->env_api_key != NULL)
    {
      explicit_bzero (self->env_api_key, strlen (self->env_api_key));
      g_clear_pointer (&self->env_api_key, g_free);
    }

  G_OBJECT_CLASS (sr_application_parent_class)->finalize (object);
}

static void
sr_application_class_init (SrApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = sr_application_finalize;
  app_class->activate = sr_application_activate;
  app_class->startup = sr_application_startup;
  app_class->handle_local_options = sr_application_handle_local_options;
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  SrApplication *self = user_data;

  /* Close windows properly so the main window saves its state. */
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; )
    {
      GtkWindow *window = l->data;
      l = l->next;
      gtk_window_close (window);
    }

  g_application_quit (G_APPLICATION (self));
}

static void
preferences_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  SrApplication *self = user_data;

  adw_dialog_present (ADW_DIALOG (sr_preferences_dialog_new ()),
                      GTK_WIDGET (gtk_application_get_active_window (GTK_APPLICATION (self))));
}

static void
legend_activated (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  SrApplication *self = user_data;

  if (self->legend_window == NULL)
    {
      self->legend_window = sr_legend_window_new ();
      gtk_window_set_application (GTK_WINDOW (self->legend_window), GTK_APPLICATION (self));
      g_object_add_weak_pointer (G_OBJECT (self->legend_window), (gpointer *) &self->legend_window);
    }

  gtk_window_set_transient_for (GTK_WINDOW (self->legend_window),
                                gtk_application_get_active_window (GTK_APPLICATION (self)));
  gtk_window_present (GTK_WINDOW (self->legend_window));
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  SrApplication *self = user_data;
  static const char *developers[] = { "The SMS Reports contributors", NULL };
  AdwDialog *about;

  about = g_object_new (ADW_TYPE_ABOUT_DIALOG,
                        "application-name", _("SMS Reports"),
                        "application-icon", APPLICATION_ID,
                        "developer-name", _("The SMS Reports contributors"),
                        "version", PACKAGE_VERSION,
                        "comments", _("Read the delivery reports of the SMS you send through SMS.to: every message, every campaign and what each status means — also offline."),
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "developers", developers,
                        "translator-credits", _("translator-credits"),
                        NULL);
  adw_about_dialog_add_legal_section (ADW_ABOUT_DIALOG (about),
                                      _("SMS.to"),
                                      NULL,
                                      GTK_LICENSE_CUSTOM,
                                      _("SMS Reports is not made by SMS.to. It uses the public SMS.to API with your own API key."));
  adw_dialog_present (about, GTK_WIDGET (gtk_application_get_active_window (GTK_APPLICATION (self))));
}

static const GActionEntry app_actions[] = {
  { "quit", quit_activated, NULL, NULL, NULL },
  { "preferences", preferences_activated, NULL, NULL, NULL },
  { "legend", legend_activated, NULL, NULL, NULL },
  { "about", about_activated, NULL, NULL, NULL },
};

static void
sr_application_init (SrApplication *self)
{
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };

  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Delivery reports of your SMS.to account. The environment variable SMSTO_API_KEY gives a key for this run only."));

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences", preferences_accels);
}

SrApplication *
sr_application_new (void)
{
  return g_object_new (SR_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       /* The .Devel build shares the resources of the normal one. */
                       "resource-base-path", RESOURCE_PATH,
                       NULL);
}
