/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-accounts.h: the SMS.to accounts this user added, for the app's account
 * switcher and the CLI's --account: an id, a label the user chose, the API
 * URLs, whether it signs in with a key or a client id, the currency last
 * seen and the name of its reports file. Never the secret: that is in the
 * keyring under the account's id (sr-credentials.h). Kept in
 * <data dir>/accounts.ini next to the reports files, with the account used
 * last.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SR_ACCOUNTS_ERROR (sr_accounts_error_quark ())
GQuark sr_accounts_error_quark (void);

typedef enum
{
  SR_ACCOUNTS_ERROR_LABEL_EMPTY,
  SR_ACCOUNTS_ERROR_LABEL_TOO_LONG,
  SR_ACCOUNTS_ERROR_LABEL_TAKEN,
  SR_ACCOUNTS_ERROR_ALREADY_ADDED, /* the same key on the same server */
  SR_ACCOUNTS_ERROR_NOT_FOUND,
  SR_ACCOUNTS_ERROR_BAD_FILE,
} SrAccountsError;

/* Characters; longer labels are refused. */
#define SR_ACCOUNT_LABEL_MAX_CHARS 60

typedef struct _SrAccount SrAccount;

const char  *sr_account_get_id        (const SrAccount *account);
const char  *sr_account_get_label     (const SrAccount *account);
const char  *sr_account_get_api_url   (const SrAccount *account);
/* NULL: SMS.to's default. */
const char  *sr_account_get_auth_url  (const SrAccount *account);
/* Signs in with a client id and secret rather than an API key. */
gboolean     sr_account_get_is_client (const SrAccount *account);
/* The balance currency last seen, or NULL. */
const char  *sr_account_get_currency  (const SrAccount *account);
/* "account-<hash>.db" (sr_cache_dup_account_file_name()). */
const char  *sr_account_get_file_name (const SrAccount *account);
/* "Label · EUR", or the label while the currency is not known: how the
 * account is named everywhere (never after its key). */
char        *sr_account_dup_display_name (const SrAccount *account);

#define SR_TYPE_ACCOUNTS (sr_accounts_get_type ())
G_DECLARE_FINAL_TYPE (SrAccounts, sr_accounts, SR, ACCOUNTS, GObject)

/* <data_dir or the default dir>/accounts.ini */
char            *sr_accounts_dup_path          (const char    *data_dir);

/* Reads the list (none when the file does not exist). Blocking: for the
 * CLI and worker threads. A damaged file is SR_ACCOUNTS_ERROR_BAD_FILE and
 * is left as it is. */
SrAccounts      *sr_accounts_load              (const char    *data_dir,
                                                GError       **error);
/* When the list is empty and the keyring has the single key of a release
 * before several accounts (for api_url), makes it an account: its key moves
 * to the account's keyring item, its reports file stays the same (same URL
 * and key), and the list is saved. TRUE when it did. Blocking. */
gboolean         sr_accounts_migrate_legacy    (SrAccounts    *self,
                                                const char    *api_url,
                                                const char    *auth_url,
                                                GCancellable  *cancellable,
                                                GError       **error);
/* sr_accounts_load() and, with a legacy_api_url, the migration, in a
 * thread. A failed migration is only logged: the user signs in. */
void             sr_accounts_load_async        (const char          *data_dir,
                                                const char          *legacy_api_url,
                                                const char          *legacy_auth_url,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
SrAccounts      *sr_accounts_load_finish       (GAsyncResult        *result,
                                                GError             **error);

/* Writes the list (mode 0600, atomically). Blocking. */
gboolean         sr_accounts_save              (SrAccounts    *self,
                                                GError       **error);
/* The same in a thread, on a copy of the list as it is now; saves finish
 * in the order they were asked (an older copy never overwrites a newer). */
void             sr_accounts_save_async        (SrAccounts          *self,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean         sr_accounts_save_finish       (GAsyncResult        *result,
                                                GError             **error);

const char      *sr_accounts_get_data_dir      (SrAccounts    *self);
guint            sr_accounts_get_n_accounts    (SrAccounts    *self);
/* In the order they were added. Pointers stay valid until the account is
 * removed or the list finalized. */
const SrAccount *sr_accounts_get_account       (SrAccounts    *self,
                                                guint          position);
const SrAccount *sr_accounts_find              (SrAccounts    *self,
                                                const char    *id);
/* Case-insensitive. */
const SrAccount *sr_accounts_find_by_label     (SrAccounts    *self,
                                                const char    *label);
/* The account used last (NULL when there is none). */
const SrAccount *sr_accounts_get_current       (SrAccounts    *self);
gboolean         sr_accounts_set_current       (SrAccounts    *self,
                                                const char    *id);

/* Leading and trailing spaces are dropped; the rest must be 1 to
 * SR_ACCOUNT_LABEL_MAX_CHARS characters without control characters and
 * not another account's (except_id's own label is fine). */
char            *sr_accounts_check_label       (SrAccounts    *self,
                                                const char    *label,
                                                const char    *except_id,
                                                GError       **error);
/* A name for an account the user did not name (the first one, an earlier
 * release's key): "SMS.to" for SMS.to's servers, else the host, with " 2",
 * " 3"… when taken. */
char            *sr_accounts_dup_new_label     (SrAccounts    *self,
                                                const char    *api_url);
/* Adds an account with a new id. api_key only gives the reports file's name
 * and the kind of credential; it is not kept. Refuses a label in use and a
 * key already added for the same server (SR_ACCOUNTS_ERROR_ALREADY_ADDED).
 * Does not save and does not store the key. */
const SrAccount *sr_accounts_add               (SrAccounts    *self,
                                                const char    *label,
                                                const char    *api_url,
                                                const char    *auth_url,
                                                const char    *api_key,
                                                GError       **error);
gboolean         sr_accounts_rename            (SrAccounts    *self,
                                                const char    *id,
                                                const char    *label,
                                                GError       **error);
/* A new key for the same account (the server refused the old one): its
 * reports file changes with it. */
gboolean         sr_accounts_set_key           (SrAccounts    *self,
                                                const char    *id,
                                                const char    *api_key,
                                                GError       **error);
gboolean         sr_accounts_set_currency      (SrAccounts    *self,
                                                const char    *id,
                                                const char    *currency);
/* Removes the account from the list (not its key or file). When it was the
 * current one, the first remaining account becomes current. */
gboolean         sr_accounts_remove            (SrAccounts    *self,
                                                const char    *id);
/* The full path of the account's reports file. */
char            *sr_accounts_dup_cache_path    (SrAccounts      *self,
                                                const SrAccount *account);
/* Whether another account than account uses the same reports file (never
 * delete it then). */
gboolean         sr_accounts_file_is_shared    (SrAccounts      *self,
                                                const SrAccount *account);

G_END_DECLS
