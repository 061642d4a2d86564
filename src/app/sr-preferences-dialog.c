/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-preferences-dialog.c: binds the rows to GSettings. Server addresses are
 * checked before they are stored: https, or plain http only to this
 * computer (the same rule as the API client). The Accounts group lists the
 * window's accounts (SrAccounts) with Rename and Remove; removing asks,
 * like signing out, whether to keep the account's reports.
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
  AdwPreferencesGroup *accounts_group;
  GPtrArray           *account_rows;   /* the rows added to accounts_group */

  SrWindow            *window;         /* weak */

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

/* --- accounts --- */

static SrAccounts *
get_accounts (SrPreferencesDialog *self)
{
  return self->window != NULL ? sr_window_get_accounts (self->window) : NULL;
}

static void
show_toast (SrPreferencesDialog *self,
            const char          *title)
{
  adw_preferences_dialog_add_toast (ADW_PREFERENCES_DIALOG (self), adw_toast_new (title));
}

gboolean
sr_preferences_dialog_rename (SrPreferencesDialog *self,
                              const char          *account_id,
                              const char          *label)
{
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (SR_IS_PREFERENCES_DIALOG (self), FALSE);

  if (self->window == NULL)
    return FALSE;
  if (!sr_window_rename_account (self->window, account_id, label, &error))
    {
      show_toast (self, error->message);
      return FALSE;
    }
  return TRUE;
}

static void
on_rename_response_cb (AdwAlertDialog *dialog,
                       const char     *response,
                       gpointer        user_data)
{
  SrPreferencesDialog *self = SR_PREFERENCES_DIALOG (user_data);
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "entry");
  const char *id = g_object_get_data (G_OBJECT (dialog), "account-id");

  if (g_strcmp0 (response, "rename") == 0)
    sr_preferences_dialog_rename (self, id, gtk_editable_get_text (entry));
}

static void
on_rename_clicked_cb (GtkButton           *button,
                      SrPreferencesDialog *self)
{
  const char *id = g_object_get_data (G_OBJECT (button), "account-id");
  SrAccounts *accounts = get_accounts (self);
  const SrAccount *account = accounts != NULL ? sr_accounts_find (accounts, id) : NULL;
  AdwAlertDialog *dialog;
  GtkWidget *list;
  GtkWidget *entry;

  if (account == NULL)
    return;

  dialog = ADW_ALERT_DIALOG (adw_alert_dialog_new (_("Rename Account"),
                                                   _("The name is shown in the account switcher, with the currency of the account’s balance.")));
  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  entry = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (entry), _("Account Name"));
  gtk_editable_set_text (GTK_EDITABLE (entry), sr_account_get_label (account));
  adw_entry_row_set_activates_default (ADW_ENTRY_ROW (entry), TRUE);
  gtk_list_box_append (GTK_LIST_BOX (list), entry);
  adw_alert_dialog_set_extra_child (dialog, list);
  adw_alert_dialog_add_responses (dialog,
                                  "cancel", _("_Cancel"),
                                  "rename", _("_Rename"),
                                  NULL);
  adw_alert_dialog_set_response_appearance (dialog, "rename", ADW_RESPONSE_SUGGESTED);
  adw_alert_dialog_set_default_response (dialog, "rename");
  adw_alert_dialog_set_close_response (dialog, "cancel");
  g_object_set_data (G_OBJECT (dialog), "entry", entry);
  g_object_set_data_full (G_OBJECT (dialog), "account-id", g_strdup (id), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_rename_response_cb), self, 0);
  adw_dialog_present (ADW_DIALOG (dialog), GTK_WIDGET (self));
  gtk_widget_grab_focus (entry);
}

void
sr_preferences_dialog_answer_remove (SrPreferencesDialog *self,
                                     const char          *account_id,
                                     const char          *response)
{
  g_return_if_fail (SR_IS_PREFERENCES_DIALOG (self));

  if (self->window == NULL)
    return;
  if (g_strcmp0 (response, "keep") == 0)
    sr_window_remove_account (self->window, account_id, FALSE);
  else if (g_strcmp0 (response, "delete") == 0)
    sr_window_remove_account (self->window, account_id, TRUE);
}

static void
on_remove_response_cb (AdwAlertDialog *dialog,
                       const char     *response,
                       gpointer        user_data)
{
  sr_preferences_dialog_answer_remove (SR_PREFERENCES_DIALOG (user_data),
                                       g_object_get_data (G_OBJECT (dialog), "account-id"),
                                       response);
}

static void
on_remove_clicked_cb (GtkButton           *button,
                      SrPreferencesDialog *self)
{
  const char *id = g_object_get_data (G_OBJECT (button), "account-id");
  SrAccounts *accounts = get_accounts (self);
  const SrAccount *account = accounts != NULL ? sr_accounts_find (accounts, id) : NULL;
  g_autofree char *heading = NULL;
  AdwAlertDialog *dialog;

  if (account == NULL)
    return;

  /* Translators: %s is an account's name */
  heading = g_strdup_printf (_("Remove “%s”?"), sr_account_get_label (account));
  dialog = sr_window_new_keep_reports_question (heading,
                                                _("Its API key will be removed from this computer. "
                                                  "The reports downloaded so far can be kept, to be shown again when you add the same key, or deleted."),
                                                _("Remove and _Delete Reports"),
                                                _("_Remove"));
  g_object_set_data_full (G_OBJECT (dialog), "account-id", g_strdup (id), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_remove_response_cb), self, 0);
  adw_dialog_present (ADW_DIALOG (dialog), GTK_WIDGET (self));
}

static GtkWidget *
new_row_button (const char          *icon_name,
                const char          *tooltip,
                const char          *accessible_label,
                const char          *account_id,
                GCallback            callback,
                SrPreferencesDialog *self)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon_name);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible_label, -1);
  g_object_set_data_full (G_OBJECT (button), "account-id", g_strdup (account_id), g_free);
  g_signal_connect (button, "clicked", callback, self);
  return button;
}

static void
load_accounts (SrPreferencesDialog *self)
{
  SrAccounts *accounts = get_accounts (self);
  const char *open_id = self->window != NULL ? sr_window_get_account_id (self->window) : NULL;

  for (guint i = 0; i < self->account_rows->len; i++)
    adw_preferences_group_remove (self->accounts_group, self->account_rows->pdata[i]);
  g_ptr_array_set_size (self->account_rows, 0);

  gtk_widget_set_visible (GTK_WIDGET (self->accounts_group), accounts != NULL);
  if (accounts == NULL)
    return;

  for (guint i = 0; i < sr_accounts_get_n_accounts (accounts); i++)
    {
      const SrAccount *account = sr_accounts_get_account (accounts, i);
      const char *id = sr_account_get_id (account);
      g_autofree char *name = sr_account_dup_display_name (account);
      g_autofree char *rename_label = NULL;
      g_autofree char *remove_label = NULL;
      g_autofree char *subtitle = NULL;
      g_autoptr(GUri) uri = g_uri_parse (sr_account_get_api_url (account), G_URI_FLAGS_NONE, NULL);
      const char *host = uri != NULL && g_uri_get_host (uri) != NULL ? g_uri_get_host (uri) : sr_account_get_api_url (account);
      const char *kind = sr_account_get_is_client (account) ? _("Client ID and secret") : _("API key");
      GtkWidget *row = adw_action_row_new ();

      if (g_strcmp0 (id, open_id) == 0)
        /* Translators: an account's row in Preferences: how it signs in,
         * its server, and that it is the one open, e.g.
         * "API key · api.sms.to · Open now" */
        subtitle = g_strdup_printf (_("%s · %s · Open now"), kind, host);
      else
        /* Translators: an account's row in Preferences: how it signs in
         * and its server, e.g. "API key · api.sms.to" */
        subtitle = g_strdup_printf (_("%s · %s"), kind, host);

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      /* Translators: %s is an account's name */
      rename_label = g_strdup_printf (_("Rename “%s”"), sr_account_get_label (account));
      /* Translators: %s is an account's name */
      remove_label = g_strdup_printf (_("Remove “%s”"), sr_account_get_label (account));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 new_row_button ("document-edit-symbolic", _("Rename"), rename_label, id,
                                                 G_CALLBACK (on_rename_clicked_cb), self));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 new_row_button ("user-trash-symbolic", _("Remove…"), remove_label, id,
                                                 G_CALLBACK (on_remove_clicked_cb), self));
      adw_preferences_group_add (self->accounts_group, row);
      g_ptr_array_add (self->account_rows, row);
    }
}

void
sr_preferences_dialog_set_window (SrPreferencesDialog *self,
                                  SrWindow            *window)
{
  SrAccounts *accounts;

  g_return_if_fail (SR_IS_PREFERENCES_DIALOG (self));
  g_return_if_fail (window == NULL || SR_IS_WINDOW (window));

  g_set_weak_pointer (&self->window, window);
  accounts = get_accounts (self);
  if (accounts != NULL)
    {
      g_signal_connect_object (accounts, "changed", G_CALLBACK (load_accounts), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (window, "notify::account-id", G_CALLBACK (load_accounts), self, G_CONNECT_SWAPPED);
    }
  load_accounts (self);
}

GStrv
sr_preferences_dialog_dup_account_titles (SrPreferencesDialog *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (SR_IS_PREFERENCES_DIALOG (self), NULL);

  for (guint i = 0; i < self->account_rows->len; i++)
    g_strv_builder_add (builder, adw_preferences_row_get_title (self->account_rows->pdata[i]));
  return g_strv_builder_end (builder);
}

/* "Add…" runs win.add-account on the window (the sign-in page): the
 * dialog gets out of its way. */
static void
on_add_account_clicked_cb (SrPreferencesDialog *self)
{
  adw_dialog_close (ADW_DIALOG (self));
}

static void
sr_preferences_dialog_dispose (GObject *object)
{
  SrPreferencesDialog *self = SR_PREFERENCES_DIALOG (object);

  g_clear_object (&self->settings);
  g_clear_weak_pointer (&self->window);
  g_clear_pointer (&self->account_rows, g_ptr_array_unref);

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
  gtk_widget_class_bind_template_child (widget_class, SrPreferencesDialog, accounts_group);
  gtk_widget_class_bind_template_callback (widget_class, on_add_account_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_url_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_reset_clicked_cb);
}

static void
sr_preferences_dialog_init (SrPreferencesDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APPLICATION_ID);
  self->account_rows = g_ptr_array_new ();

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
