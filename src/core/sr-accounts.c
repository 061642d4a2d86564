/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-accounts.c: the list of accounts in a small key file
 * (<data dir>/accounts.ini, mode 0600):
 *
 *   [Accounts]
 *   Current=<id>
 *   Order=<id>;<id>;
 *
 *   [Account <id>]
 *   Label=Agency (live)
 *   ApiUrl=https://reports.sms.to   AuthUrl=…   Auth=key|client
 *   Currency=EUR                    File=account-<hash>.db
 *
 * No secret is ever written here. The list is changed on the main thread;
 * saving serializes it there (a few hundred bytes) and writes it in a
 * thread, in order.
 */

#define G_LOG_DOMAIN "sr-accounts"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <string.h>

#include "sr-accounts.h"
#include "sr-api-client.h"
#include "sr-cache.h"
#include "sr-credentials.h"

#define GROUP_ACCOUNTS "Accounts"
#define GROUP_ACCOUNT_PREFIX "Account "

G_DEFINE_QUARK (sr-accounts-error-quark, sr_accounts_error)

struct _SrAccount
{
  char     *id;
  char     *label;
  char     *api_url;
  char     *auth_url;
  char     *currency;
  char     *file_name;
  gboolean  is_client;
};

/* Shared by a list and its pending saves: the last generation written. */
typedef struct
{
  gatomicrefcount ref_count;
  GMutex          lock;
  guint64         written;
} SaveState;

struct _SrAccounts
{
  GObject     parent_instance;

  char       *data_dir;
  GPtrArray  *accounts;      /* SrAccount*, owned */
  char       *current_id;
  guint64     generation;    /* of the last save asked for */
  SaveState  *save_state;
};

G_DEFINE_FINAL_TYPE (SrAccounts, sr_accounts, G_TYPE_OBJECT)

enum {
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
account_free (SrAccount *account)
{
  g_free (account->id);
  g_free (account->label);
  g_free (account->api_url);
  g_free (account->auth_url);
  g_free (account->currency);
  g_free (account->file_name);
  g_free (account);
}

static SaveState *
save_state_ref (SaveState *state)
{
  g_atomic_ref_count_inc (&state->ref_count);
  return state;
}

static void
save_state_unref (SaveState *state)
{
  if (g_atomic_ref_count_dec (&state->ref_count))
    {
      g_mutex_clear (&state->lock);
      g_free (state);
    }
}

/* --- accounts --- */

const char *
sr_account_get_id (const SrAccount *account)
{
  g_return_val_if_fail (account != NULL, NULL);
  return account->id;
}

const char *
sr_account_get_label (const SrAccount *account)
{
  g_return_val_if_fail (account != NULL, NULL);
  return account->label;
}

const char *
sr_account_get_api_url (const SrAccount *account)
{
  g_return_val_if_fail (account != NULL, NULL);
  return account->api_url;
}

const char *
sr_account_get_auth_url (const SrAccount *account)
{
  g_return_val_if_fail (account != NULL, NULL);
  return account->auth_url;
}

gboolean
sr_account_get_is_client (const SrAccount *account)
{
  g_return_val_if_fail (account != NULL, FALSE);
  return account->is_client;
}

const char *
sr_account_get_currency (const SrAccount *account)
{
  g_return_val_if_fail (account != NULL, NULL);
  return account->currency;
}

const char *
sr_account_get_file_name (const SrAccount *account)
{
  g_return_val_if_fail (account != NULL, NULL);
  return account->file_name;
}

char *
sr_account_dup_display_name (const SrAccount *account)
{
  g_return_val_if_fail (account != NULL, NULL);

  if (account->currency == NULL || account->currency[0] == '\0')
    return g_strdup (account->label);
  /* Translators: an account in the account switcher: its label and the
   * currency of its balance, e.g. "Agency (live) · EUR" */
  return g_strdup_printf (_("%s · %s"), account->label, account->currency);
}

/* --- the list --- */

static void
sr_accounts_finalize (GObject *object)
{
  SrAccounts *self = SR_ACCOUNTS (object);

  g_clear_pointer (&self->data_dir, g_free);
  g_clear_pointer (&self->accounts, g_ptr_array_unref);
  g_clear_pointer (&self->current_id, g_free);
  g_clear_pointer (&self->save_state, save_state_unref);

  G_OBJECT_CLASS (sr_accounts_parent_class)->finalize (object);
}

static void
sr_accounts_class_init (SrAccountsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sr_accounts_finalize;

  /* Any change: an account added, renamed or removed, the current one,
   * a currency. */
  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
sr_accounts_init (SrAccounts *self)
{
  self->accounts = g_ptr_array_new_with_free_func ((GDestroyNotify) account_free);
  self->save_state = g_new0 (SaveState, 1);
  g_atomic_ref_count_init (&self->save_state->ref_count);
  g_mutex_init (&self->save_state->lock);
}

static void
emit_changed (SrAccounts *self)
{
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

char *
sr_accounts_dup_path (const char *data_dir)
{
  g_autofree char *default_dir = NULL;

  if (data_dir == NULL)
    data_dir = default_dir = sr_cache_dup_default_dir ();
  return g_build_filename (data_dir, "accounts.ini", NULL);
}

static char *
dup_nonempty (GKeyFile   *file,
              const char *group,
              const char *key)
{
  g_autofree char *value = g_key_file_get_string (file, group, key, NULL);

  if (value == NULL || value[0] == '\0')
    return NULL;
  return g_steal_pointer (&value);
}

static gboolean
id_is_valid (const char *id)
{
  if (id == NULL || id[0] == '\0' || strlen (id) > 64)
    return FALSE;
  for (const char *p = id; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-')
      return FALSE;
  return TRUE;
}

SrAccounts *
sr_accounts_load (const char  *data_dir,
                  GError     **error)
{
  g_autoptr(SrAccounts) self = g_object_new (SR_TYPE_ACCOUNTS, NULL);
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *path = sr_accounts_dup_path (data_dir);
  g_auto(GStrv) order = NULL;

  self->data_dir = data_dir ? g_strdup (data_dir) : sr_cache_dup_default_dir ();

  if (!g_key_file_load_from_file (file, path, G_KEY_FILE_NONE, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_steal_pointer (&self);
      if (local_error->domain == G_KEY_FILE_ERROR)
        g_set_error (error, SR_ACCOUNTS_ERROR, SR_ACCOUNTS_ERROR_BAD_FILE,
                     /* Translators: %s is a file name */
                     _("The list of accounts in %s cannot be read; move it aside to start a new one"), path);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  order = g_key_file_get_string_list (file, GROUP_ACCOUNTS, "Order", NULL, NULL);
  for (guint i = 0; order != NULL && order[i] != NULL; i++)
    {
      g_autofree char *group = g_strconcat (GROUP_ACCOUNT_PREFIX, order[i], NULL);
      g_autofree char *auth = NULL;
      SrAccount *account;

      if (!id_is_valid (order[i]) || sr_accounts_find (self, order[i]) != NULL)
        continue;

      account = g_new0 (SrAccount, 1);
      account->id = g_strdup (order[i]);
      account->label = dup_nonempty (file, group, "Label");
      account->api_url = dup_nonempty (file, group, "ApiUrl");
      account->auth_url = dup_nonempty (file, group, "AuthUrl");
      account->currency = dup_nonempty (file, group, "Currency");
      account->file_name = dup_nonempty (file, group, "File");
      auth = dup_nonempty (file, group, "Auth");
      account->is_client = g_strcmp0 (auth, "client") == 0;

      /* A file name is only ever one of ours, never a path. */
      if (account->label == NULL || account->api_url == NULL || account->file_name == NULL ||
          strchr (account->file_name, G_DIR_SEPARATOR) != NULL ||
          !g_str_has_prefix (account->file_name, "account-"))
        {
          g_set_error (error, SR_ACCOUNTS_ERROR, SR_ACCOUNTS_ERROR_BAD_FILE,
                       _("The list of accounts in %s cannot be read; move it aside to start a new one"), path);
          account_free (account);
          return NULL;
        }
      g_ptr_array_add (self->accounts, account);
    }

  self->current_id = dup_nonempty (file, GROUP_ACCOUNTS, "Current");
  if (sr_accounts_find (self, self->current_id) == NULL)
    {
      g_clear_pointer (&self->current_id, g_free);
      if (self->accounts->len > 0)
        self->current_id = g_strdup (((SrAccount *) self->accounts->pdata[0])->id);
    }

  return g_steal_pointer (&self);
}

static char *
serialize (SrAccounts *self)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autoptr(GPtrArray) order = g_ptr_array_new ();

  g_key_file_set_comment (file, NULL, NULL,
                          " SMS Reports: the accounts added (the keys are in the keyring)", NULL);
  for (guint i = 0; i < self->accounts->len; i++)
    {
      SrAccount *account = self->accounts->pdata[i];
      g_autofree char *group = g_strconcat (GROUP_ACCOUNT_PREFIX, account->id, NULL);

      g_ptr_array_add (order, account->id);
      g_key_file_set_string (file, group, "Label", account->label);
      g_key_file_set_string (file, group, "ApiUrl", account->api_url);
      if (account->auth_url != NULL)
        g_key_file_set_string (file, group, "AuthUrl", account->auth_url);
      g_key_file_set_string (file, group, "Auth", account->is_client ? "client" : "key");
      if (account->currency != NULL)
        g_key_file_set_string (file, group, "Currency", account->currency);
      g_key_file_set_string (file, group, "File", account->file_name);
    }
  if (self->current_id != NULL)
    g_key_file_set_string (file, GROUP_ACCOUNTS, "Current", self->current_id);
  g_key_file_set_string_list (file, GROUP_ACCOUNTS, "Order",
                              (const char * const *) order->pdata, order->len);

  return g_key_file_to_data (file, NULL, NULL);
}

static gboolean
write_file (const char  *data_dir,
            const char  *contents,
            GError     **error)
{
  g_autofree char *path = sr_accounts_dup_path (data_dir);

  if (g_mkdir_with_parents (data_dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   /* Translators: %s is a folder, the second %s the reason */
                   _("Cannot create the folder %s: %s"), data_dir, g_strerror (saved_errno));
      return FALSE;
    }
  return g_file_set_contents_full (path, contents, -1,
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

gboolean
sr_accounts_save (SrAccounts  *self,
                  GError     **error)
{
  g_autofree char *contents = NULL;
  gboolean ok;

  g_return_val_if_fail (SR_IS_ACCOUNTS (self), FALSE);

  contents = serialize (self);
  g_mutex_lock (&self->save_state->lock);
  ok = write_file (self->data_dir, contents, error);
  if (ok)
    self->save_state->written = ++self->generation;
  g_mutex_unlock (&self->save_state->lock);
  return ok;
}

typedef struct
{
  SaveState *state;
  char      *data_dir;
  char      *contents;
  guint64    generation;
} SaveData;

static void
save_data_free (SaveData *data)
{
  save_state_unref (data->state);
  g_free (data->data_dir);
  g_free (data->contents);
  g_free (data);
}

static void
save_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  SaveData *data = task_data;
  GError *error = NULL;
  gboolean ok = TRUE;

  g_mutex_lock (&data->state->lock);
  /* A newer copy was written first: this one is out of date. */
  if (data->generation > data->state->written)
    {
      ok = write_file (data->data_dir, data->contents, &error);
      if (ok)
        data->state->written = data->generation;
    }
  g_mutex_unlock (&data->state->lock);

  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
sr_accounts_save_async (SrAccounts          *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SaveData *data;

  g_return_if_fail (SR_IS_ACCOUNTS (self));

  data = g_new0 (SaveData, 1);
  data->state = save_state_ref (self->save_state);
  data->data_dir = g_strdup (self->data_dir);
  data->contents = serialize (self);
  data->generation = ++self->generation;

  /* Works on a copy: the list may go away before the file is written. */
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, sr_accounts_save_async);
  g_task_set_task_data (task, data, (GDestroyNotify) save_data_free);
  g_task_run_in_thread (task, save_thread);
}

gboolean
sr_accounts_save_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

const char *
sr_accounts_get_data_dir (SrAccounts *self)
{
  g_return_val_if_fail (SR_IS_ACCOUNTS (self), NULL);
  return self->data_dir;
}

guint
sr_accounts_get_n_accounts (SrAccounts *self)
{
  g_return_val_if_fail (SR_IS_ACCOUNTS (self), 0);
  return self->accounts->len;
}

const SrAccount *
sr_accounts_get_account (SrAccounts *self,
                         guint       position)
{
  g_return_val_if_fail (SR_IS_ACCOUNTS (self), NULL);

  if (position >= self->accounts->len)
    return NULL;
  return self->accounts->pdata[position];
}

const SrAccount *
sr_accounts_find (SrAccounts *self,
                  const char *id)
{
  g_return_val_if_fail (SR_IS_ACCOUNTS (self), NULL);

  if (id == NULL)
    return NULL;
  for (guint i = 0; i < self->accounts->len; i++)
    {
      SrAccount *account = self->accounts->pdata[i];

      if (g_str_equal (account->id, id))
        return account;
    }
  return NULL;
}

static gboolean
labels_equal (const char *a,
              const char *b)
{
  g_autofree char *fa = g_utf8_casefold (a, -1);
  g_autofree char *fb = g_utf8_casefold (b, -1);
  g_autofree char *na = g_utf8_normalize (fa, -1, G_NORMALIZE_ALL);
  g_autofree char *nb = g_utf8_normalize (fb, -1, G_NORMALIZE_ALL);

  return g_strcmp0 (na, nb) == 0;
}

const SrAccount *
sr_accounts_find_by_label (SrAccounts *self,
                           const char *label)
{
  g_autofree char *stripped = NULL;

  g_return_val_if_fail (SR_IS_ACCOUNTS (self), NULL);

  if (label == NULL || !g_utf8_validate (label, -1, NULL))
    return NULL;
  stripped = g_strstrip (g_strdup (label));
  for (guint i = 0; i < self->accounts->len; i++)
    {
      SrAccount *account = self->accounts->pdata[i];

      if (labels_equal (account->label, stripped))
        return account;
    }
  return NULL;
}

const SrAccount *
sr_accounts_get_current (SrAccounts *self)
{
  g_return_val_if_fail (SR_IS_ACCOUNTS (self), NULL);
  return sr_accounts_find (self, self->current_id);
}

gboolean
sr_accounts_set_current (SrAccounts *self,
                         const char *id)
{
  g_return_val_if_fail (SR_IS_ACCOUNTS (self), FALSE);

  if (sr_accounts_find (self, id) == NULL)
    return FALSE;
  if (g_strcmp0 (self->current_id, id) != 0)
    {
      g_free (self->current_id);
      self->current_id = g_strdup (id);
      emit_changed (self);
    }
  return TRUE;
}

char *
sr_accounts_check_label (SrAccounts  *self,
                         const char  *label,
                         const char  *except_id,
                         GError     **error)
{
  g_autofree char *stripped = NULL;
  const SrAccount *other;

  g_return_val_if_fail (SR_IS_ACCOUNTS (self), NULL);

  if (label == NULL || !g_utf8_validate (label, -1, NULL))
    label = "";
  stripped = g_strstrip (g_strdup (label));
  if (stripped[0] == '\0')
    {
      g_set_error_literal (error, SR_ACCOUNTS_ERROR, SR_ACCOUNTS_ERROR_LABEL_EMPTY,
                           _("Give the account a name"));
      return NULL;
    }
  if (g_utf8_strlen (stripped, -1) > SR_ACCOUNT_LABEL_MAX_CHARS)
    {
      g_set_error (error, SR_ACCOUNTS_ERROR, SR_ACCOUNTS_ERROR_LABEL_TOO_LONG,
                   /* Translators: %d is a number of characters */
                   ngettext ("The name can be at most %d character long",
                             "The name can be at most %d characters long",
                             SR_ACCOUNT_LABEL_MAX_CHARS),
                   SR_ACCOUNT_LABEL_MAX_CHARS);
      return NULL;
    }
  for (const char *p = stripped; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      {
        g_set_error_literal (error, SR_ACCOUNTS_ERROR, SR_ACCOUNTS_ERROR_LABEL_EMPTY,
                             _("The name cannot contain line breaks or tabs"));
        return NULL;
      }
  other = sr_accounts_find_by_label (self, stripped);
  if (other != NULL && g_strcmp0 (other->id, except_id) != 0)
    {
      g_set_error (error, SR_ACCOUNTS_ERROR, SR_ACCOUNTS_ERROR_LABEL_TAKEN,
                   /* Translators: %s is an account's name */
                   _("Another account is already called “%s”"), other->label);
      return NULL;
    }
  return g_steal_pointer (&stripped);
}

static const SrAccount *
find_by_file_name (SrAccounts *self,
                   const char *file_name,
                   const char *except_id)
{
  for (guint i = 0; i < self->accounts->len; i++)
    {
      SrAccount *account = self->accounts->pdata[i];

      if (g_str_equal (account->file_name, file_name) && g_strcmp0 (account->id, except_id) != 0)
        return account;
    }
  return NULL;
}

const SrAccount *
sr_accounts_add (SrAccounts  *self,
                 const char  *label,
                 const char  *api_url,
                 const char  *auth_url,
                 const char  *api_key,
                 GError     **error)
{
  g_autofree char *checked = NULL;
  g_autofree char *file_name = NULL;
  const SrAccount *other;
  SrAccount *account;

  g_return_val_if_fail (SR_IS_ACCOUNTS (self), NULL);
  g_return_val_if_fail (api_url != NULL, NULL);
  g_return_val_if_fail (api_key != NULL, NULL);

  checked = sr_accounts_check_label (self, label, NULL, error);
  if (checked == NULL)
    return NULL;

  file_name = sr_cache_dup_account_file_name (api_url, api_key);
  other = find_by_file_name (self, file_name, NULL);
  if (other != NULL)
    {
      g_set_error (error, SR_ACCOUNTS_ERROR, SR_ACCOUNTS_ERROR_ALREADY_ADDED,
                   /* Translators: %s is an account's name */
                   _("This key is already added, as “%s”"), other->label);
      return NULL;
    }

  account = g_new0 (SrAccount, 1);
  do
    {
      g_free (account->id);
      account->id = g_uuid_string_random ();
    }
  while (sr_accounts_find (self, account->id) != NULL);
  account->label = g_steal_pointer (&checked);
  account->api_url = g_strdup (api_url);
  account->auth_url = auth_url != NULL && auth_url[0] != '\0' ? g_strdup (auth_url) : NULL;
  account->file_name = g_steal_pointer (&file_name);
  account->is_client = sr_api_credential_is_client (api_key);
  g_ptr_array_add (self->accounts, account);
  if (self->current_id == NULL)
    self->current_id = g_strdup (account->id);

  emit_changed (self);
  return account;
}

static SrAccount *
find_or_error (SrAccounts  *self,
               const char  *id,
               GError     **error)
{
  SrAccount *account = (SrAccount *) sr_accounts_find (self, id);

  if (account == NULL)
    g_set_error_literal (error, SR_ACCOUNTS_ERROR, SR_ACCOUNTS_ERROR_NOT_FOUND,
                         _("There is no such account"));
  return account;
}

gboolean
sr_accounts_rename (SrAccounts  *self,
                    const char  *id,
                    const char  *label,
                    GError     **error)
{
  SrAccount *account;
  char *checked;

  g_return_val_if_fail (SR_IS_ACCOUNTS (self), FALSE);

  account = find_or_error (self, id, error);
  if (account == NULL)
    return FALSE;
  checked = sr_accounts_check_label (self, label, id, error);
  if (checked == NULL)
    return FALSE;
  if (g_str_equal (checked, account->label))
    {
      g_free (checked);
      return TRUE;
    }
  g_free (account->label);
  account->label = checked;
  emit_changed (self);
  return TRUE;
}

gboolean
sr_accounts_set_key (SrAccounts  *self,
                     const char  *id,
                     const char  *api_key,
                     GError     **error)
{
  g_autofree char *file_name = NULL;
  const SrAccount *other;
  SrAccount *account;

  g_return_val_if_fail (SR_IS_ACCOUNTS (self), FALSE);
  g_return_val_if_fail (api_key != NULL, FALSE);

  account = find_or_error (self, id, error);
  if (account == NULL)
    return FALSE;
  file_name = sr_cache_dup_account_file_name (account->api_url, api_key);
  other = find_by_file_name (self, file_name, id);
  if (other != NULL)
    {
      g_set_error (error, SR_ACCOUNTS_ERROR, SR_ACCOUNTS_ERROR_ALREADY_ADDED,
                   _("This key is already added, as “%s”"), other->label);
      return FALSE;
    }
  g_free (account->file_name);
  account->file_name = g_steal_pointer (&file_name);
  account->is_client = sr_api_credential_is_client (api_key);
  emit_changed (self);
  return TRUE;
}

gboolean
sr_accounts_set_currency (SrAccounts *self,
                          const char *id,
                          const char *currency)
{
  SrAccount *account;

  g_return_val_if_fail (SR_IS_ACCOUNTS (self), FALSE);

  account = (SrAccount *) sr_accounts_find (self, id);
  if (account == NULL)
    return FALSE;
  if (currency != NULL && currency[0] == '\0')
    currency = NULL;
  if (g_strcmp0 (account->currency, currency) == 0)
    return FALSE;
  g_free (account->currency);
  account->currency = g_strdup (currency);
  emit_changed (self);
  return TRUE;
}

gboolean
sr_accounts_remove (SrAccounts *self,
                    const char *id)
{
  g_return_val_if_fail (SR_IS_ACCOUNTS (self), FALSE);

  for (guint i = 0; i < self->accounts->len; i++)
    {
      SrAccount *account = self->accounts->pdata[i];

      if (g_str_equal (account->id, id))
        {
          gboolean was_current = g_strcmp0 (self->current_id, id) == 0;

          g_ptr_array_remove_index (self->accounts, i);
          if (was_current)
            {
              g_clear_pointer (&self->current_id, g_free);
              if (self->accounts->len > 0)
                self->current_id = g_strdup (((SrAccount *) self->accounts->pdata[0])->id);
            }
          emit_changed (self);
          return TRUE;
        }
    }
  return FALSE;
}

char *
sr_accounts_dup_cache_path (SrAccounts      *self,
                            const SrAccount *account)
{
  g_return_val_if_fail (SR_IS_ACCOUNTS (self), NULL);
  g_return_val_if_fail (account != NULL, NULL);

  return g_build_filename (self->data_dir, account->file_name, NULL);
}

gboolean
sr_accounts_file_is_shared (SrAccounts      *self,
                            const SrAccount *account)
{
  g_return_val_if_fail (SR_IS_ACCOUNTS (self), FALSE);
  g_return_val_if_fail (account != NULL, FALSE);

  return find_by_file_name (self, account->file_name, account->id) != NULL;
}

/* --- the single key of earlier releases --- */

char *
sr_accounts_dup_new_label (SrAccounts *self,
                           const char *api_url)
{
  g_autoptr(GUri) uri = NULL;
  const char *host;
  g_autofree char *base = NULL;
  char *label;

  g_return_val_if_fail (SR_IS_ACCOUNTS (self), NULL);

  uri = api_url != NULL ? g_uri_parse (api_url, G_URI_FLAGS_NONE, NULL) : NULL;
  host = uri != NULL ? g_uri_get_host (uri) : NULL;
  /* SMS.to's own servers: the name people know. Elsewhere (a test
   * server) the host tells the accounts apart. */
  if (host == NULL || *host == '\0' || g_str_has_suffix (host, "sms.to"))
    base = g_strdup ("SMS.to");
  else
    base = g_utf8_substring (host, 0, MIN (g_utf8_strlen (host, -1), SR_ACCOUNT_LABEL_MAX_CHARS - 4));

  label = g_strdup (base);
  for (guint n = 2; sr_accounts_find_by_label (self, label) != NULL; n++)
    {
      g_free (label);
      label = g_strdup_printf ("%s %u", base, n);
    }
  return label;
}

gboolean
sr_accounts_migrate_legacy (SrAccounts    *self,
                            const char    *api_url,
                            const char    *auth_url,
                            GCancellable  *cancellable,
                            GError       **error)
{
  g_autofree char *label = NULL;
  g_autoptr(GError) local_error = NULL;
  const SrAccount *account;
  char *key;

  g_return_val_if_fail (SR_IS_ACCOUNTS (self), FALSE);
  g_return_val_if_fail (api_url != NULL, FALSE);

  if (self->accounts->len > 0)
    return FALSE;

  key = sr_credentials_lookup (api_url, cancellable, error);
  if (key == NULL)
    return FALSE;

  label = sr_accounts_dup_new_label (self, api_url);
  account = sr_accounts_add (self, label, api_url, auth_url, key, error);
  if (account == NULL)
    {
      sr_credentials_free_key (key);
      return FALSE;
    }

  /* Store the account's item and the list before removing the old item,
   * so that a failure at any step loses nothing: the next start tries
   * again from the old item. */
  if (!sr_credentials_store_account (account->id, api_url, key, cancellable, error))
    {
      sr_credentials_free_key (key);
      sr_accounts_remove (self, account->id);
      return FALSE;
    }
  sr_credentials_free_key (key);

  if (!sr_accounts_save (self, error))
    {
      sr_credentials_clear_account (account->id, NULL, NULL);
      sr_accounts_remove (self, account->id);
      return FALSE;
    }

  if (!sr_credentials_clear (api_url, cancellable, &local_error))
    g_debug ("The old keyring item stays: %s", local_error->message);

  g_debug ("Moved the saved key to the account “%s”", account->label);
  return TRUE;
}

typedef struct
{
  char *data_dir;
  char *legacy_api_url;
  char *legacy_auth_url;
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_free (data->data_dir);
  g_free (data->legacy_api_url);
  g_free (data->legacy_auth_url);
  g_free (data);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadData *data = task_data;
  g_autoptr(SrAccounts) accounts = NULL;
  GError *error = NULL;

  accounts = sr_accounts_load (data->data_dir, &error);
  if (accounts == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (data->legacy_api_url != NULL && accounts->accounts->len == 0 &&
      !sr_accounts_migrate_legacy (accounts, data->legacy_api_url, data->legacy_auth_url,
                                   cancellable, &error) &&
      error != NULL)
    {
      g_debug ("The saved key could not be moved to an account: %s", error->message);
      g_clear_error (&error);
    }

  g_task_return_pointer (task, g_steal_pointer (&accounts), g_object_unref);
}

void
sr_accounts_load_async (const char          *data_dir,
                        const char          *legacy_api_url,
                        const char          *legacy_auth_url,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  LoadData *data;

  data = g_new0 (LoadData, 1);
  data->data_dir = g_strdup (data_dir);
  data->legacy_api_url = g_strdup (legacy_api_url);
  data->legacy_auth_url = g_strdup (legacy_auth_url);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, sr_accounts_load_async);
  g_task_set_task_data (task, data, (GDestroyNotify) load_data_free);
  g_task_run_in_thread (task, load_thread);
}

SrAccounts *
sr_accounts_load_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
