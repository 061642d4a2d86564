/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-sign-in-page.c: checks a key with the balance call (the cheapest call
 * that needs a valid key) and tells a refused key, an unreachable server and
 * a server failure apart, because each asks the user to do something else.
 * Storing the key and opening the account is the window's job.
 *
 * A second way in: a client ID and secret (SMS.to's OAuth tokens), which
 * "Use a Client ID and Secret Instead" shows in place of the key. The page
 * checks them the same way and hands them on as one credential
 * (sr_api_credential_for_client()), which the keyring, the cache and the
 * client take like a key.
 */
#define G_LOG_DOMAIN "sr-sign-in-page"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sr-core.h"
#include "sr-sign-in-page.h"

struct _SrSignInPage
{
  AdwBin        parent_instance;

  GtkImage     *logo;
  GtkRevealer  *notice_revealer;
  GtkLabel     *notice_label;
  GtkWidget    *cancel_button;
  AdwEntryRow  *label_row;
  AdwEntryRow  *key_row;
  AdwEntryRow  *client_id_row;
  AdwEntryRow  *secret_row;
  GtkLabel     *hint_label;
  GtkButton    *mode_button;
  GtkRevealer  *error_revealer;
  GtkLabel     *error_label;
  GtkButton    *sign_in_button;
  AdwSpinner   *spinner;
  GtkLabel     *welcome_label;
  GtkLabel     *sign_in_label;
  AdwEntryRow  *api_url_row;
  AdwEntryRow  *auth_url_row;

  GCancellable *cancellable;
  SrApiClient  *client;     /* the one checking the key */
  GError       *error;
  SrAccounts   *adding;     /* "Add Account": the names taken */
  gboolean      use_client; /* client ID and secret instead of a key */
};

G_DEFINE_FINAL_TYPE (SrSignInPage, sr_sign_in_page, ADW_TYPE_BIN)

enum {
  SIGNED_IN,
  CANCELLED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *
row_text (AdwEntryRow *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

static gboolean
has_credentials (SrSignInPage *self)
{
  if (self->adding != NULL && *row_text (self->label_row) == '\0')
    return FALSE;
  if (self->use_client)
    return *row_text (self->client_id_row) != '\0' && *row_text (self->secret_row) != '\0';

  return *row_text (self->key_row) != '\0';
}

/* What the user typed as one credential; NULL when something is missing. */
static char *
dup_credential (SrSignInPage *self)
{
  g_autofree char *client_id = NULL;
  g_autofree char *secret = NULL;

  if (!self->use_client)
    {
      char *key = g_strstrip (g_strdup (row_text (self->key_row)));

      if (*key == '\0')
        g_clear_pointer (&key, g_free);
      return key;
    }

  client_id = g_strstrip (g_strdup (row_text (self->client_id_row)));
  secret = g_strstrip (g_strdup (row_text (self->secret_row)));
  if (*client_id == '\0' || *secret == '\0')
    return NULL;

  return sr_api_credential_for_client (client_id, secret);
}

static void
set_busy (SrSignInPage *self,
          gboolean      busy)
{
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_label_set_label (self->sign_in_label,
                       busy ? _("Checking…") : self->adding != NULL ? _("_Add Account") : _("_Sign In"));
  /* Read-only, not insensitive, while the credentials are checked: the
   * field keeps the focus (Enter was pressed there) and gets it back on an
   * error. An insensitive GtkText that had the focus never hears of losing
   * it, and its cursor blink then warns "did not receive a focus-out event". */
  gtk_editable_set_editable (GTK_EDITABLE (self->label_row), !busy);
  gtk_editable_set_editable (GTK_EDITABLE (self->key_row), !busy);
  gtk_editable_set_editable (GTK_EDITABLE (self->client_id_row), !busy);
  gtk_editable_set_editable (GTK_EDITABLE (self->secret_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->mode_button), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->api_url_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->auth_url_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->sign_in_button), !busy && has_credentials (self));
}

static void show_error (SrSignInPage *self, const GError *error);

static void
set_use_client (SrSignInPage *self,
                gboolean      use_client)
{
  self->use_client = use_client;
  gtk_widget_set_visible (GTK_WIDGET (self->key_row), !use_client);
  gtk_widget_set_visible (GTK_WIDGET (self->client_id_row), use_client);
  gtk_widget_set_visible (GTK_WIDGET (self->secret_row), use_client);
  gtk_button_set_label (self->mode_button,
                        use_client ? _("Use an API Key Instead") : _("Use a Client ID and Secret Instead"));
  gtk_label_set_label (self->hint_label,
                       use_client
                       ? _("Create a client ID and secret in the API section of your <a href=\"https://sms.to\">SMS.to</a> dashboard. The secret is kept in your keyring and only sent to SMS.to.")
                       : _("Copy an API key from the API section of your <a href=\"https://sms.to\">SMS.to</a> dashboard. It is kept in your keyring and only sent to SMS.to."));
  show_error (self, NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->sign_in_button),
                            has_credentials (self) && !gtk_widget_get_visible (GTK_WIDGET (self->spinner)));
}

static void
on_mode_clicked_cb (SrSignInPage *self)
{
  g_assert (SR_IS_SIGN_IN_PAGE (self));

  set_use_client (self, !self->use_client);
  gtk_widget_grab_focus (GTK_WIDGET (self->use_client ? self->client_id_row : self->key_row));
}

static void
show_error (SrSignInPage *self,
            const GError *error)
{
  g_autofree char *text = NULL;

  g_clear_error (&self->error);

  if (error == NULL)
    {
      gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
      gtk_label_set_label (self->error_label, "");
      return;
    }

  self->error = g_error_copy (error);

  if (error->domain == SR_ACCOUNTS_ERROR)
    text = g_strdup (error->message);
  else if (g_error_matches (error, SR_API_ERROR, SR_API_ERROR_UNAUTHORIZED) && self->use_client)
    text = g_strdup (_("SMS.to refused this client ID and secret. Check that both were copied completely and that they have not been deleted from your account."));
  else if (g_error_matches (error, SR_API_ERROR, SR_API_ERROR_UNAUTHORIZED))
    text = g_strdup (_("SMS.to refused this API key. Check that it was copied completely and that it has not been deleted from your account."));
  else if (g_error_matches (error, SR_API_ERROR, SR_API_ERROR_NETWORK) ||
           g_error_matches (error, SR_API_ERROR, SR_API_ERROR_TIMEOUT))
    text = g_strdup (_("SMS.to could not be reached. Check your internet connection and try again."));
  else if (g_error_matches (error, SR_API_ERROR, SR_API_ERROR_SERVER) ||
           g_error_matches (error, SR_API_ERROR, SR_API_ERROR_RATE_LIMITED))
    text = g_strdup (_("SMS.to could not answer right now (a problem on their side). Try again in a few minutes."));
  else if (g_error_matches (error, SR_API_ERROR, SR_API_ERROR_INVALID_URL))
    /* Translators: %s is the technical reason */
    text = g_strdup_printf (_("A server address is not valid: %s. Addresses must start with https://."), error->message);
  else
    /* Translators: %s is the technical reason */
    text = g_strdup_printf (_("The key could not be checked: %s"), error->message);

  gtk_label_set_label (self->error_label, text);
  gtk_revealer_set_reveal_child (self->error_revealer, TRUE);
}

static void
get_balance_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(SrSignInPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *currency = NULL;
  char *key = NULL;
  double balance = 0;

  if (!sr_api_client_get_balance_finish (SR_API_CLIENT (object), result, &balance, &currency, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      g_debug ("Key check failed: %s", error->message);
      set_busy (self, FALSE);
      show_error (self, error);
      gtk_widget_grab_focus (GTK_WIDGET (self->key_row));
      return;
    }

  set_busy (self, FALSE);
  show_error (self, NULL);

  key = dup_credential (self);
  if (key == NULL)
    return;
  g_signal_emit (self, signals[SIGNED_IN], 0,
                 key,
                 sr_api_client_get_api_url (SR_API_CLIENT (object)),
                 sr_api_client_get_auth_url (SR_API_CLIENT (object)));
  sr_credentials_free_key (key);
}

void
sr_sign_in_page_submit (SrSignInPage *self)
{
  g_autoptr(GError) error = NULL;
  char *key = NULL;
  const char *api_url;
  const char *auth_url;

  g_return_if_fail (SR_IS_SIGN_IN_PAGE (self));

  /* A name that cannot be used is said before the key is checked. */
  if (self->adding != NULL)
    {
      g_autofree char *label = sr_accounts_check_label (self->adding, row_text (self->label_row), NULL, &error);

      if (label == NULL)
        {
          show_error (self, error);
          gtk_widget_grab_focus (GTK_WIDGET (self->label_row));
          return;
        }
    }

  key = dup_credential (self);
  if (key == NULL)
    return;

  api_url = gtk_editable_get_text (GTK_EDITABLE (self->api_url_row));
  auth_url = gtk_editable_get_text (GTK_EDITABLE (self->auth_url_row));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->client);

  self->client = sr_api_client_new (*api_url != '\0' ? api_url : NULL,
                                    *auth_url != '\0' ? auth_url : NULL,
                                    key, &error);
  sr_credentials_free_key (key);
  if (self->client == NULL)
    {
      show_error (self, error);
      return;
    }

  /* Someone is waiting at the form: fail fast rather than retry for long. */
  sr_api_client_set_max_attempts (self->client, 2);
  sr_api_client_set_timeout (self->client, 20);

  self->cancellable = g_cancellable_new ();
  set_busy (self, TRUE);
  show_error (self, NULL);

  sr_api_client_get_balance_async (self->client,
                                   self->cancellable,
                                   get_balance_cb,
                                   g_object_ref (self));
}

static void
on_sign_in_clicked_cb (SrSignInPage *self)
{
  g_assert (SR_IS_SIGN_IN_PAGE (self));

  sr_sign_in_page_submit (self);
}

static void
on_key_activated_cb (SrSignInPage *self)
{
  g_assert (SR_IS_SIGN_IN_PAGE (self));

  sr_sign_in_page_submit (self);
}

static void
on_key_changed_cb (SrSignInPage *self)
{
  const char *text;

  g_assert (SR_IS_SIGN_IN_PAGE (self));

  text = gtk_editable_get_text (GTK_EDITABLE (self->key_row));
  gtk_widget_set_sensitive (GTK_WIDGET (self->sign_in_button),
                            (self->use_client || self->adding != NULL ? has_credentials (self) : *text != '\0')
                            && !gtk_widget_get_visible (GTK_WIDGET (self->spinner)));
}

static void
on_cancel_clicked_cb (SrSignInPage *self)
{
  g_assert (SR_IS_SIGN_IN_PAGE (self));

  sr_sign_in_page_reset (self);
  g_signal_emit (self, signals[CANCELLED], 0);
}

static void
sr_sign_in_page_dispose (GObject *object)
{
  SrSignInPage *self = SR_SIGN_IN_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->client);


  G_OBJECT_CLASS (sr_sign_in_page_parent_class)->dispose (object);
}

static void
sr_sign_in_page_finalize (GObject *object)
{
  SrSignInPage *self = SR_SIGN_IN_PAGE (object);

  g_clear_error (&self->error);
  g_clear_object (&self->adding);

  G_OBJECT_CLASS (sr_sign_in_page_parent_class)->finalize (object);
}

/* The title wraps on a phone; the app's name must not be split over two
 * lines ("SMS / Reports"). Done with a Pango attribute so the translated
 * text itself stays as it is. */
static void
keep_app_name_together (GtkLabel *label)
{
  static const char app_name[] = "SMS Reports";
  const char *text = gtk_label_get_label (label);
  const char *name = strstr (text, app_name);
  PangoAttrList *attrs;
  PangoAttribute *attr;

  if (name == NULL)
    return;

  attrs = pango_attr_list_new ();
  attr = pango_attr_allow_breaks_new (FALSE);
  attr->start_index = name - text;
  attr->end_index = attr->start_index + strlen (app_name);
  pango_attr_list_insert (attrs, attr);
  gtk_label_set_attributes (label, attrs);
  pango_attr_list_unref (attrs);
}

static void
sr_sign_in_page_class_init (SrSignInPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sr_sign_in_page_dispose;
  object_class->finalize = sr_sign_in_page_finalize;

  /**
   * SrSignInPage::signed-in:
   * @key: the accepted API key
   * @api_url: the reporting API address it was checked with
   * @auth_url: the account API address
   */
  signals[SIGNED_IN] =
    g_signal_new ("signed-in",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3,
                  G_TYPE_STRING,
                  G_TYPE_STRING,
                  G_TYPE_STRING);

  /* Cancel in "Add Account": back to the account that was open. */
  signals[CANCELLED] =
    g_signal_new ("cancelled",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/sr-sign-in-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SrSignInPage, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, SrSignInPage, label_row);
  gtk_widget_class_bind_template_child (widget_class, SrSignInPage, logo);
  gtk_widget_class_bind_template_child (widget_class, SrSignInPage, notice_revealer);
  gtk_widget_class_bind_template_child (widget_class, SrSignInPage, notice_label);
  gtk_widget_class_bind_template_child (widget_class, SrSignInPage, key_row);
  gtk_widget_class_bind_template_child (widget_class, SrSignInPage, client_id_row);
  gtk_widget_class_bind_template_child (widget_class, SrSignInPage, secret_row);
  gtk_widget_class_bind_template_child (widget_class, SrSignInPage, hint_label);
  gtk_widget_class_bind_template_child (widget_class, SrSignInPage, mode_button);
  gtk_widget_class_bind_template_child (widget_class, SrSignInPage, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, SrSignInPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, SrSignInPage, sign_in_button);
  gtk_widget_class_bind_template_child (widget_class, SrSignInPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, SrSignInPage, welcome_label);
  gtk_widget_class_bind_template_child (widget_class, SrSignInPage, sign_in_label);
  gtk_widget_class_bind_template_child (widget_class, SrSignInPage, api_url_row);
  gtk_widget_class_bind_template_child (widget_class, SrSignInPage, auth_url_row);
  gtk_widget_class_bind_template_callback (widget_class, on_sign_in_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_key_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_key_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_mode_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel_clicked_cb);
}

static void
sr_sign_in_page_init (SrSignInPage *self)
{
  GtkIconTheme *theme;

  gtk_widget_init_template (GTK_WIDGET (self));

  keep_app_name_together (self->welcome_label);

  theme = gtk_icon_theme_get_for_display (gtk_widget_get_display (GTK_WIDGET (self)));
  if (gtk_icon_theme_has_icon (theme, APPLICATION_ID))
    {
      gtk_image_set_from_icon_name (self->logo, APPLICATION_ID);
      gtk_widget_remove_css_class (GTK_WIDGET (self->logo), "dim-label");
    }
}

GtkWidget *
sr_sign_in_page_new (void)
{
  return g_object_new (SR_TYPE_SIGN_IN_PAGE, NULL);
}

void
sr_sign_in_page_set_urls (SrSignInPage *self,
                          const char   *api_url,
                          const char   *auth_url)
{
  g_return_if_fail (SR_IS_SIGN_IN_PAGE (self));

  gtk_editable_set_text (GTK_EDITABLE (self->api_url_row), api_url ? api_url : SR_DEFAULT_API_URL);
  gtk_editable_set_text (GTK_EDITABLE (self->auth_url_row), auth_url ? auth_url : SR_DEFAULT_AUTH_URL);
}

void
sr_sign_in_page_reset (SrSignInPage *self)
{
  g_return_if_fail (SR_IS_SIGN_IN_PAGE (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->client);

  gtk_editable_set_text (GTK_EDITABLE (self->label_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->key_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->secret_row), "");
  set_busy (self, FALSE);
  show_error (self, NULL);
  sr_sign_in_page_set_notice (self, NULL);
}

/* The page opens with the focus in the key field, so typing goes there. */
void
sr_sign_in_page_focus_key (SrSignInPage *self)
{
  g_return_if_fail (SR_IS_SIGN_IN_PAGE (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->adding != NULL ? self->label_row : self->key_row));
}

void
sr_sign_in_page_set_adding (SrSignInPage *self,
                            SrAccounts   *accounts)
{
  g_return_if_fail (SR_IS_SIGN_IN_PAGE (self));
  g_return_if_fail (accounts == NULL || SR_IS_ACCOUNTS (accounts));

  g_set_object (&self->adding, accounts);
  gtk_widget_set_visible (GTK_WIDGET (self->label_row), accounts != NULL);
  gtk_widget_set_visible (self->cancel_button, accounts != NULL);
  gtk_label_set_label (self->welcome_label,
                       accounts != NULL ? _("Add an SMS.to Account") : _("Welcome to SMS Reports"));
  gtk_label_set_attributes (self->welcome_label, NULL);
  keep_app_name_together (self->welcome_label);
  set_busy (self, FALSE);
}

void
sr_sign_in_page_set_can_cancel (SrSignInPage *self,
                                gboolean      can_cancel)
{
  g_return_if_fail (SR_IS_SIGN_IN_PAGE (self));

  gtk_widget_set_visible (self->cancel_button, can_cancel || self->adding != NULL);
}

gboolean
sr_sign_in_page_get_adding (SrSignInPage *self)
{
  g_return_val_if_fail (SR_IS_SIGN_IN_PAGE (self), FALSE);

  return self->adding != NULL;
}

char *
sr_sign_in_page_dup_label (SrSignInPage *self)
{
  g_return_val_if_fail (SR_IS_SIGN_IN_PAGE (self), NULL);

  return g_strstrip (g_strdup (row_text (self->label_row)));
}

void
sr_sign_in_page_show_error (SrSignInPage *self,
                            const GError *error)
{
  g_return_if_fail (SR_IS_SIGN_IN_PAGE (self));

  show_error (self, error);
}

void
sr_sign_in_page_set_label (SrSignInPage *self,
                           const char   *label)
{
  g_return_if_fail (SR_IS_SIGN_IN_PAGE (self));

  gtk_editable_set_text (GTK_EDITABLE (self->label_row), label ? label : "");
}

void
sr_sign_in_page_set_notice (SrSignInPage *self,
                            const char   *notice)
{
  g_return_if_fail (SR_IS_SIGN_IN_PAGE (self));

  gtk_label_set_label (self->notice_label, notice ? notice : "");
  gtk_revealer_set_reveal_child (self->notice_revealer, notice != NULL && *notice != '\0');
}

void
sr_sign_in_page_set_key (SrSignInPage *self,
                         const char   *key)
{
  g_return_if_fail (SR_IS_SIGN_IN_PAGE (self));

  gtk_editable_set_text (GTK_EDITABLE (self->key_row), key ? key : "");
}

void
sr_sign_in_page_set_client (SrSignInPage *self,
                            const char   *client_id,
                            const char   *secret)
{
  g_return_if_fail (SR_IS_SIGN_IN_PAGE (self));

  set_use_client (self, TRUE);
  gtk_editable_set_text (GTK_EDITABLE (self->client_id_row), client_id ? client_id : "");
  gtk_editable_set_text (GTK_EDITABLE (self->secret_row), secret ? secret : "");
}

gboolean
sr_sign_in_page_get_use_client (SrSignInPage *self)
{
  g_return_val_if_fail (SR_IS_SIGN_IN_PAGE (self), FALSE);

  return self->use_client;
}

gboolean
sr_sign_in_page_get_busy (SrSignInPage *self)
{
  g_return_val_if_fail (SR_IS_SIGN_IN_PAGE (self), FALSE);

  return gtk_widget_get_visible (GTK_WIDGET (self->spinner));
}

const char *
sr_sign_in_page_get_error_text (SrSignInPage *self)
{
  g_return_val_if_fail (SR_IS_SIGN_IN_PAGE (self), NULL);

  if (self->error == NULL)
    return NULL;

  return gtk_label_get_label (self->error_label);
}

const GError *
sr_sign_in_page_get_error (SrSignInPage *self)
{
  g_return_val_if_fail (SR_IS_SIGN_IN_PAGE (self), NULL);

  return self->error;
}
