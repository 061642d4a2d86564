/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-preferences-dialog.c: binds the rows to GSettings. Server addresses are
 * checked before they are stored: https, or plain http only to this
 * computer (the same rule as the API client).
 */
#define G_LOG_DOMAIN "sr-preferences-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "sr-core.h"
#include "sr-preferences-dialog.h"

struct _SrPreferencesDialog
{
  AdwPreferencesDialog parent_instance;

  AdwSwitchRow        *refresh_switch;
  AdwSpinRow          *refresh_interval_row;
  GtkSpinButton       *repoll_spin;
  GtkSwitch           *utc_switch;
  AdwSwitchRow        *background_switch;
  AdwSwitchRow        *low_balance_switch;
  AdwSpinRow          *low_balance_row;
  AdwEntryRow         *api_url_row;
  AdwEntryRow         *auth_url_row;
  AdwPreferencesGroup *servers_group;
  GtkWidget           *reset_row;

  GSettings           *settings;
  gboolean             loading_refresh;
};

G_DEFINE_FINAL_TYPE (SrPreferencesDialog, sr_preferences_dialog, ADW_TYPE_PREFERENCES_DIALOG)

static gboolean
url_is_acceptable (const char *url)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    return FALSE;

  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "https") == 0)
    return TRUE;

  return g_ascii_strcasecmp (scheme, "http") == 0 && sr_api_url_is_loopback (url);
}

static void
on_url_apply_cb (SrPreferencesDialog *self,
                 AdwEntryRow         *row)
{
  g_autofree char *url = NULL;
  const char *key;

  g_assert (SR_IS_PREFERENCES_DIALOG (self));

  key = row == self->api_url_row ? "api-url" : "auth-url";
  url = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));

  if (!url_is_acceptable (url))
    {
      g_autoptr(AdwToast) toast = NULL;

      gtk_widget_add_css_class (GTK_WIDGET (row), "error");
      toast = adw_toast_new (_("Addresses must start with https:// (plain http only for this computer)"));
      adw_preferences_dialog_add_toast (ADW_PREFERENCES_DIALOG (self), g_steal_pointer (&toast));
      return;
    }

  gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
  g_settings_set_string (self->settings, key, url);
}

static void
load_urls (SrPreferencesDialog *self)
{
  g_autofree char *api_url = g_settings_get_string (self->settings, "api-url");
  g_autofree char *auth_url = g_settings_get_string (self->settings, "auth-url");

  gtk_editable_set_text (GTK_EDITABLE (self->api_url_row), api_url);
  gtk_editable_set_text (GTK_EDITABLE (self->auth_url_row), auth_url);
  gtk_widget_remove_css_class (GTK_WIDGET (self->api_url_row), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->auth_url_row), "error");
}

static void
on_reset_clicked_cb (SrPreferencesDialog *self)
{
  g_assert (SR_IS_PREFERENCES_DIALOG (self));

  g_settings_reset (self->settings, "api-url");
  g_settings_reset (self->settings, "auth-url");
  load_urls (self);
}

static void
sr_preferences_dialog_dispose (GObject *object)
{
  SrPreferencesDialog *self = SR_PREFERENCES_DIALOG (object);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (sr_preferences_dialog_parent_class)->dispose (object);
}

/* Automatic refresh is a switch plus an interval (the setting keeps its
 * "0 = off" form): turning it off keeps the interval for turning it on. */
static void
load_refresh (SrPreferencesDialog *self)
{
  guint minutes = g_settings_get_uint (self->settings, "auto-refresh-minutes");

  self->loading_refresh = TRUE;
  adw_switch_row_set_active (self->refresh_switch, minutes > 0);
  if (minutes > 0)
    adw_spin_row_set_value (self->refresh_interval_row, minutes);
  gtk_widget_set_sensitive (GTK_WIDGET (self->refresh_interval_row), minutes > 0);
  self->loading_refresh = FALSE;
}

static void
store_refresh (SrPreferencesDialog *self)
{
  gboolean on = adw_switch_row_get_active (self->refresh_switch);
  guint minutes = (guint) adw_spin_row_get_value (self->refresh_interval_row);

  if (self->loading_refresh || self->settings == NULL)
    return;

  gtk_widget_set_sensitive (GTK_WIDGET (self->refresh_interval_row), on);
  g_settings_set_uint (self->settings, "auto-refresh-minutes", on ? MAX (minutes, 1u) : 0);
}

static void
on_refresh_switch_cb (SrPreferencesDialog *self)
{
  store_refresh (self);
}

static void
on_refresh_interval_cb (SrPreferencesDialog *self)
{
  store_refresh (self);
}

static void
sr_preferences_dialog_class_init (SrPreferencesDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sr_preferences_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/sr-preferences-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, SrPreferencesDialog, refresh_switch);
  gtk_widget_class_bind_template_child (widget_class, SrPreferencesDialog, refresh_interval_row);
  gtk_widget_class_bind_template_callback (widget_class, on_refresh_switch_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_refresh_interval_cb);
  gtk_widget_class_bind_template_child (widget_class, SrPreferencesDialog, repoll_spin);
  gtk_widget_class_bind_template_child (widget_class, SrPreferencesDialog, utc_switch);
  gtk_widget_class_bind_template_child (widget_class, SrPreferencesDialog, background_switch);
  gtk_widget_class_bind_template_child (widget_class, SrPreferencesDialog, low_balance_switch);
  gtk_widget_class_bind_template_child (widget_class, SrPreferencesDialog, low_balance_row);
  gtk_widget_class_bind_template_child (widget_class, SrPreferencesDialog, api_url_row);
  gtk_widget_class_bind_template_child (widget_class, SrPreferencesDialog, auth_url_row);
  gtk_widget_class_bind_template_child (widget_class, SrPreferencesDialog, servers_group);
  gtk_widget_class_bind_template_child (widget_class, SrPreferencesDialog, reset_row);
  gtk_widget_class_bind_template_callback (widget_class, on_url_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_reset_clicked_cb);
}

static void
sr_preferences_dialog_init (SrPreferencesDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APPLICATION_ID);

  load_refresh (self);
  g_signal_connect_object (self->settings, "changed::auto-refresh-minutes",
                           G_CALLBACK (load_refresh), self, G_CONNECT_SWAPPED);
  g_settings_bind (self->settings, "repoll-hours",
                   gtk_spin_button_get_adjustment (self->repoll_spin), "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "run-in-background",
                   self->background_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  /* Without automatic refresh nothing would sync in the background. */
  g_object_bind_property (self->refresh_switch, "active",
                          self->background_switch, "sensitive",
                          G_BINDING_SYNC_CREATE);
  g_settings_bind (self->settings, "low-balance-alert",
                   self->low_balance_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "low-balance-threshold",
                   self->low_balance_row, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_object_bind_property (self->low_balance_switch, "active",
                          self->low_balance_row, "sensitive",
                          G_BINDING_SYNC_CREATE);
  g_settings_bind (self->settings, "show-utc",
                   self->utc_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);

  load_urls (self);
}

GtkWidget *
sr_preferences_dialog_new (void)
{
  return g_object_new (SR_TYPE_PREFERENCES_DIALOG, NULL);
}

void
sr_preferences_dialog_set_urls_in_use (SrPreferencesDialog *self,
                                       const char          *api_url,
                                       const char          *auth_url)
{
  g_return_if_fail (SR_IS_PREFERENCES_DIALOG (self));

  if (api_url == NULL && auth_url == NULL)
    return;

  /* This run talks to the servers given on the command line: show those,
   * not the saved ones it ignores, and do not offer to edit them here. */
  if (api_url != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->api_url_row), api_url);
  if (auth_url != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->auth_url_row), auth_url);
  gtk_widget_set_sensitive (GTK_WIDGET (self->api_url_row), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->auth_url_row), FALSE);
  gtk_widget_set_visible (self->reset_row, FALSE);
  adw_preferences_group_set_description (self->servers_group,
                                         _("This run uses the servers given on the command line. The saved servers are used when the app is started without them."));
}

const char *
sr_preferences_dialog_get_api_url_text (SrPreferencesDialog *self)
{
  g_return_val_if_fail (SR_IS_PREFERENCES_DIALOG (self), NULL);

  return gtk_editable_get_text (GTK_EDITABLE (self->api_url_row));
}

void
sr_preferences_dialog_set_auto_refresh (SrPreferencesDialog *self,
                                        gboolean             on,
                                        guint                minutes)
{
  g_return_if_fail (SR_IS_PREFERENCES_DIALOG (self));

  if (minutes > 0)
    adw_spin_row_set_value (self->refresh_interval_row, minutes);
  adw_switch_row_set_active (self->refresh_switch, on);
}
