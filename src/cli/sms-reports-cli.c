/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sms-reports-cli.c: a thin command-line front end over the core: sign in,
 * sync, and read the local reports (stats, messages, campaigns) as tables,
 * CSV or JSON. Exit codes: 0 ok, 1 usage, 2 authentication, 3 network or
 * server, 4 data or cache.
 */

#define G_LOG_DOMAIN "sms-reports-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sr-core.h"

enum {
  EXIT_OK      = 0,
  EXIT_USAGE   = 1,
  EXIT_AUTH    = 2,
  EXIT_NETWORK = 3,
  EXIT_DATA    = 4,
};

typedef struct
{
  char     *api_url;
  char     *auth_url;
  char     *data_dir;
  char     *account;      /* --account LABEL */
  gboolean  verbose;
  char     *cache_path;   /* once known, for error texts */
} Globals;

static Globals globals;

static const GOptionEntry global_entries[] = {
  { "api-url", 0, 0, G_OPTION_ARG_STRING, &globals.api_url,
    N_("Reporting API address (default: https://api.sms.to)"), N_("URL") },
  { "auth-url", 0, 0, G_OPTION_ARG_STRING, &globals.auth_url,
    N_("Account API address (default: https://auth.sms.to)"), N_("URL") },
  { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &globals.data_dir,
    N_("Folder of the local reports (default: ~/.local/share/sms-reports)"), N_("DIR") },
  { "account", 0, 0, G_OPTION_ARG_STRING, &globals.account,
    N_("Use the account with this name (default: the one used last; “accounts” lists them)"), N_("LABEL") },
  { "verbose", 0, 0, G_OPTION_ARG_NONE, &globals.verbose,
    N_("Also print the technical detail of errors"), NULL },
  { NULL }
};

static int
exit_code_for_error (const GError *error)
{
  if (error->domain == SR_API_ERROR)
    {
      switch (error->code)
        {
        case SR_API_ERROR_UNAUTHORIZED:
          return EXIT_AUTH;
        case SR_API_ERROR_INVALID_URL:
          return EXIT_USAGE;
        case SR_API_ERROR_BAD_RESPONSE:
          return EXIT_DATA;
        default:
          return EXIT_NETWORK;
        }
    }
  if (error->domain == SR_CACHE_ERROR)
    return EXIT_DATA;
  if (error->domain == SR_ACCOUNTS_ERROR)
    return error->code == SR_ACCOUNTS_ERROR_BAD_FILE ? EXIT_DATA : EXIT_USAGE;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return 130;
  return EXIT_DATA;
}

/* What happened and what to do; SQLite's own words only with --verbose. */
static int
fail (const GError *error)
{
  g_autofree char *text = sr_error_text_dup (error, globals.cache_path);

  g_printerr ("sms-reports-cli: %s\n", text);
  if (sr_error_text_has_detail (error, text))
    {
      if (globals.verbose)
        /* Translators: followed by the technical text of an error */
        g_printerr ("%s %s\n", _("Detail:"), error->message);
      else
        g_debug ("%s", error->message);
    }
  if (g_error_matches (error, SR_API_ERROR, SR_API_ERROR_UNAUTHORIZED))
    g_printerr ("%s\n", _("Sign in again with “sms-reports-cli login”, or set SMSTO_API_KEY."));
  return exit_code_for_error (error);
}

static int
usage_error (const char *message)
{
  g_printerr ("sms-reports-cli: %s\n", message);
  g_printerr ("%s\n", _("Run “sms-reports-cli --help” for usage."));
  return EXIT_USAGE;
}

static const char *
get_api_url (void)
{
  return globals.api_url ? globals.api_url : SR_DEFAULT_API_URL;
}

/* A client ID and secret from SMSTO_CLIENT_ID and SMSTO_CLIENT_SECRET as one
 * credential (sr_api_credential_for_client()); NULL unless both are set. */
static char *
dup_env_client_credential (void)
{
  const char *client_id = g_getenv ("SMSTO_CLIENT_ID");
  const char *secret = g_getenv ("SMSTO_CLIENT_SECRET");

  if (client_id == NULL || *client_id == '\0' || secret == NULL || *secret == '\0')
    return NULL;

  return sr_api_credential_for_client (client_id, secret);
}

/* The accounts added (sr-accounts.h), with the single key of an earlier
 * release moved to an account the first time. */
static SrAccounts *
load_accounts (GError **error)
{
  g_autoptr(SrAccounts) accounts = sr_accounts_load (globals.data_dir, error);
  g_autoptr(GError) local_error = NULL;

  if (accounts == NULL)
    return NULL;
  if (sr_accounts_get_n_accounts (accounts) == 0 &&
      !sr_accounts_migrate_legacy (accounts, get_api_url (), globals.auth_url, NULL, &local_error) &&
      local_error != NULL)
    g_debug ("The saved key could not be moved to an account: %s", local_error->message);
  return g_steal_pointer (&accounts);
}

static void
set_no_such_account (GError **error)
{
  g_set_error (error, SR_ACCOUNTS_ERROR, SR_ACCOUNTS_ERROR_NOT_FOUND,
               /* Translators: %s is the name given with --account */
               _("There is no account called “%s”; “sms-reports-cli accounts” lists them"),
               globals.account);
}

/* The account a command works on: --account LABEL, or the one used last.
 * NULL without error when there is none (and no --account). */
static const SrAccount *
pick_account (SrAccounts  *accounts,
              GError     **error)
{
  const SrAccount *account;

  if (globals.account == NULL)
    return sr_accounts_get_current (accounts);
  account = sr_accounts_find_by_label (accounts, globals.account);
  if (account == NULL)
    set_no_such_account (error);
  return account;
}

/* An account's own addresses, unless others were given. */
static void
use_account_urls (const SrAccount *account)
{
  if (globals.api_url == NULL)
    globals.api_url = g_strdup (sr_account_get_api_url (account));
  if (globals.auth_url == NULL && sr_account_get_auth_url (account) != NULL)
    globals.auth_url = g_strdup (sr_account_get_auth_url (account));
}

/* Without --account: SMSTO_API_KEY wins, then SMSTO_CLIENT_ID with
 * SMSTO_CLIENT_SECRET (never stored); otherwise the keyring item of the
 * account (--account, or the one used last), which holds a key or a client
 * ID and secret saved by login. */
static char *
dup_api_key (GError **error)
{
  const char *env = g_getenv ("SMSTO_API_KEY");
  g_autoptr(GError) local_error = NULL;
  g_autoptr(SrAccounts) accounts = NULL;
  const SrAccount *account;
  char *key;

  if (globals.account == NULL)
    {
      if (env != NULL && *env != '\0')
        return g_strdup (env);
      if ((key = dup_env_client_credential ()) != NULL)
        return key;
    }

  accounts = load_accounts (&local_error);
  if (accounts == NULL)
    {
      g_set_error (error, SR_API_ERROR, SR_API_ERROR_UNAUTHORIZED, "%s", local_error->message);
      return NULL;
    }
  account = pick_account (accounts, &local_error);
  if (account == NULL)
    {
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error_literal (error, SR_API_ERROR, SR_API_ERROR_UNAUTHORIZED,
                             _("Not signed in: no API key in the keyring and SMSTO_API_KEY is not set"));
      return NULL;
    }

  key = sr_credentials_lookup_account (sr_account_get_id (account), NULL, &local_error);
  if (local_error != NULL)
    {
      g_set_error (error, SR_API_ERROR, SR_API_ERROR_UNAUTHORIZED,
                   _("Could not read the API key from the keyring: %s"), local_error->message);
      return NULL;
    }
  if (key == NULL)
    {
      g_set_error (error, SR_API_ERROR, SR_API_ERROR_UNAUTHORIZED,
                   /* Translators: %s is an account's name */
                   _("Not signed in: the keyring has no key for the account “%s”"),
                   sr_account_get_label (account));
      return NULL;
    }

  use_account_urls (account);
  return key;
}

static char *
dup_cache_path (const char *api_key)
{
  return sr_cache_dup_account_path (globals.data_dir, get_api_url (), api_key);
}

static SrCache *
open_cache (GError **error)
{
  char *key = dup_api_key (error);
  g_autofree char *path = NULL;
  g_autofree char *notice = NULL;
  SrCache *cache;

  if (key == NULL)
    return NULL;
  path = dup_cache_path (key);
  sr_credentials_free_key (key);
  g_free (globals.cache_path);
  globals.cache_path = g_strdup (path);

  cache = sr_cache_open (path, error);
  /* Viewing works on a read-only file or a full disk; say so once. */
  if (cache != NULL && (notice = sr_error_text_dup_cache_notice (cache)) != NULL)
    g_printerr ("%s %s\n", _("Note:"), notice);

  return cache;
}

/* --- async helpers ----------------------------------------------------- */

typedef struct
{
  GMainLoop    *loop;
  GAsyncResult *result;
} Waiter;

static void
on_ready_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Waiter *waiter = user_data;

  waiter->result = g_object_ref (result);
  g_main_loop_quit (waiter->loop);
}

static GAsyncResult *
waiter_run (Waiter *waiter)
{
  g_main_loop_run (waiter->loop);
  return waiter->result;
}

static void
waiter_clear (Waiter *waiter)
{
  g_clear_object (&waiter->result);
  g_clear_pointer (&waiter->loop, g_main_loop_unref);
}

static gboolean
on_sigint_cb (gpointer user_data)
{
  GCancellable *cancellable = user_data;

  g_printerr ("\n%s\n", _("Stopping… (what is downloaded is kept)"));
  g_cancellable_cancel (cancellable);
  return G_SOURCE_CONTINUE;
}

/* --- dates ------------------------------------------------------------- */

/* "YYYY-MM-DD" (a whole UTC day; is_date set) or any time the API parser
 * accepts (ISO 8601, "Y-m-d H:i:s"). */
static gboolean
parse_date_option (const char *text,
                   gint64     *out_usec,
                   gboolean   *out_is_date)
{
  int y, m, d;
  char extra;

  *out_is_date = FALSE;
  if (text == NULL)
    return FALSE;

  if (sscanf (text, "%4d-%2d-%2d%c", &y, &m, &d, &extra) == 3)
    {
      g_autoptr(GDateTime) dt = g_date_time_new_utc (y, m, d, 0, 0, 0);

      if (dt == NULL)
        return FALSE;
      *out_usec = g_date_time_to_unix (dt) * G_USEC_PER_SEC;
      *out_is_date = TRUE;
      return TRUE;
    }

  return sr_api_parse_time (text, out_usec);
}

static gboolean
parse_date_range (const char  *from,
                  const char  *to,
                  gint64      *out_from,
                  gint64      *out_to,
                  int         *out_exit)
{
  gboolean is_date;

  if (from != NULL)
    {
      if (!parse_date_option (from, out_from, &is_date))
        {
          *out_exit = usage_error (_("--from must be a date like 2026-11-01 or 2026-11-01T08:00:00Z"));
          return FALSE;
        }
    }

  if (to != NULL)
    {
      if (!parse_date_option (to, out_to, &is_date))
        {
          *out_exit = usage_error (_("--to must be a date like 2026-11-30 or 2026-11-30T18:00:00Z"));
          return FALSE;
        }
      /* A date given alone includes the whole day. */
      if (is_date)
        *out_to += G_TIME_SPAN_DAY;
    }

  return TRUE;
}

/* Filter text is refused beyond SR_FILTER_TEXT_MAX_CHARS (a pasted file, a
 * runaway script) before it reaches the cache. */
static gboolean
check_filter_text (const char *option,
                   const char *value,
                   int        *out_exit)
{
  glong length;

  if (value == NULL)
    return TRUE;
  length = g_utf8_strlen (value, -1);
  if (length <= SR_FILTER_TEXT_MAX_CHARS)
    return TRUE;

  {
    g_autofree char *message = g_strdup_printf (_("%s is too long (%ld characters); at most %d are allowed"),
                                                option, length, SR_FILTER_TEXT_MAX_CHARS);
    *out_exit = usage_error (message);
  }
  return FALSE;
}

static gboolean
apply_date_range (SrMessageFilter  *filter,
                  const char       *from,
                  const char       *to,
                  int              *out_exit)
{
  return parse_date_range (from, to, &filter->from, &filter->to, out_exit);
}

static char *
format_time_utc (gint64 usec)
{
  return sr_csv_format_utc (usec);
}

static char *
format_time_local (gint64 usec)
{
  g_autoptr(GDateTime) dt = NULL;

  if (usec == SR_TIME_NONE)
    return g_strdup ("");
  dt = g_date_time_new_from_unix_local (usec / G_USEC_PER_SEC);
  return dt ? g_date_time_format (dt, "%Y-%m-%d %H:%M") : g_strdup ("");
}

/* --- login / logout ---------------------------------------------------- */

static char *
read_line_from_stdin (const char *prompt)
{
  g_autoptr(GString) line = g_string_new (NULL);
  int c;

  if (isatty (STDIN_FILENO))
    g_printerr ("%s", prompt);

  while ((c = getchar ()) != EOF && c != '\n')
    g_string_append_c (line, (char) c);

  g_strstrip (line->str);
  if (line->str[0] == '\0')
    {
      memset (line->str, 0, line->allocated_len);
      return NULL;
    }
  {
    char *text = g_strdup (line->str);

    /* The line held a key or a secret. */
    memset (line->str, 0, line->allocated_len);
    return text;
  }
}

static char *
read_key_from_stdin (void)
{
  return read_line_from_stdin (_("API key: "));
}

/* Saves a key that works: for the account named with --account (a new one
 * when no account has that name), else for the account used last when it
 * is on the same server (a new key for it), else for a new account named
 * after the server. The account becomes the one used last. */
static gboolean
save_login (const char  *key,
            const char  *currency,
            char       **out_label,
            GError     **error)
{
  g_autoptr(SrAccounts) accounts = load_accounts (error);
  g_autoptr(GError) local_error = NULL;
  const SrAccount *account = NULL;
  g_autofree char *id = NULL;

  if (accounts == NULL)
    return FALSE;

  if (globals.account != NULL)
    account = sr_accounts_find_by_label (accounts, globals.account);
  else
    {
      account = sr_accounts_get_current (accounts);
      if (account != NULL && g_strcmp0 (sr_account_get_api_url (account), get_api_url ()) != 0)
        account = NULL;
    }

  if (account != NULL)
    {
      if (!sr_accounts_set_key (accounts, sr_account_get_id (account), key, error))
        return FALSE;
    }
  else
    {
      g_autofree char *new_label = NULL;
      const char *label = globals.account;

      if (label == NULL)
        label = new_label = sr_accounts_dup_new_label (accounts, get_api_url ());
      account = sr_accounts_add (accounts, label, get_api_url (), globals.auth_url, key, error);
      if (account == NULL)
        {
          return FALSE;
        }
    }
  id = g_strdup (sr_account_get_id (account));
  sr_accounts_set_currency (accounts, id, currency);
  sr_accounts_set_current (accounts, id);

  if (!sr_credentials_store_account (id, get_api_url (), key, NULL, error))
    {
      g_prefix_error (error, _("The key works, but could not be saved in the keyring: "));
      return FALSE;
    }
  if (!sr_accounts_save (accounts, error))
    {
      sr_credentials_clear_account (id, NULL, NULL);
      g_prefix_error (error, _("The key works, but the account could not be saved: "));
      return FALSE;
    }
  *out_label = g_strdup (sr_account_get_label (account));
  return TRUE;
}

static int
cmd_login (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrApiClient) client = NULL;
  g_autofree char *currency = NULL;
  Waiter waiter = { g_main_loop_new (NULL, FALSE), NULL };
  const char *env = g_getenv ("SMSTO_API_KEY");
  g_autofree char *client_id = NULL;
  g_autoptr(GOptionContext) context = g_option_context_new (_("— check an API key, or a client ID and secret, and save it in the keyring"));
  const GOptionEntry entries[] = {
    { "client-id", 0, 0, G_OPTION_ARG_STRING, &client_id,
      N_("Sign in with this client ID; the secret is read from SMSTO_CLIENT_SECRET or standard input"), N_("ID") },
    { NULL }
  };
  g_autofree char *label = NULL;
  char *key;
  double balance = 0;
  int ret = EXIT_OK;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, global_entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      waiter_clear (&waiter);
      return usage_error (error->message);
    }
  if (argc > 1)
    {
      waiter_clear (&waiter);
      return usage_error (_("login takes no arguments; it reads the key from standard input or SMSTO_API_KEY"));
    }

  if (client_id != NULL)
    {
      const char *env_secret = g_getenv ("SMSTO_CLIENT_SECRET");
      char *secret;

      g_strstrip (client_id);
      secret = (env_secret != NULL && *env_secret != '\0')
               ? g_strdup (env_secret) : read_line_from_stdin (_("Client secret: "));
      if (*client_id == '\0' || secret == NULL)
        {
          sr_credentials_free_key (secret);
          waiter_clear (&waiter);
          return usage_error (_("No client secret given: type it, pipe it to standard input, or set SMSTO_CLIENT_SECRET"));
        }
      key = sr_api_credential_for_client (client_id, secret);
      sr_credentials_free_key (secret);
    }
  else
    key = (env != NULL && *env != '\0') ? g_strdup (env) : read_key_from_stdin ();
  if (key == NULL)
    {
      waiter_clear (&waiter);
      return usage_error (_("No API key given: type it, pipe it to standard input, or set SMSTO_API_KEY"));
    }

  /* A new key for an account added before goes to that account's server. */
  if (globals.account != NULL)
    {
      g_autoptr(SrAccounts) accounts = sr_accounts_load (globals.data_dir, NULL);
      const SrAccount *account = accounts ? sr_accounts_find_by_label (accounts, globals.account) : NULL;

      if (account != NULL)
        use_account_urls (account);
    }

  client = sr_api_client_new (globals.api_url, globals.auth_url, key, &error);
  if (client == NULL)
    goto out;

  sr_api_client_get_balance_async (client, NULL, on_ready_cb, &waiter);
  if (!sr_api_client_get_balance_finish (client, waiter_run (&waiter), &balance, &currency, &error))
    goto out;

  if (!save_login (key, currency, &label, &error))
    {
      ret = error->domain == SR_ACCOUNTS_ERROR ? exit_code_for_error (error) : EXIT_DATA;
      goto out;
    }

  /* Translators: %s is the account's name, then the balance and currency */
  g_print (_("Signed in as “%s”. Balance: %.2f %s\n"), label, balance, currency ? currency : "");

out:
  sr_credentials_free_key (key);
  waiter_clear (&waiter);
  if (error != NULL)
    {
      int code = fail (error);
      return ret != EXIT_OK ? ret : code;
    }
  return EXIT_OK;
}

static gboolean
delete_reports (const char  *path,
                GError     **error)
{
  gboolean existed = g_file_test (path, G_FILE_TEST_EXISTS);

  if (!sr_cache_delete_files (path, error))
    return FALSE;
  if (existed)
    g_print (_("Deleted %s\n"), path);
  return TRUE;
}

static int
cmd_logout (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrAccounts) accounts = NULL;
  g_autofree char *id = NULL;
  g_autofree char *label = NULL;
  g_autofree char *path = NULL;
  const SrAccount *account;
  gboolean delete_data = FALSE;
  g_autoptr(GOptionContext) context = g_option_context_new (_("— remove an account: forget its API key, keep or delete its reports"));
  const GOptionEntry entries[] = {
    { "delete-data", 0, 0, G_OPTION_ARG_NONE, &delete_data,
      N_("Also delete the local reports of this account"), NULL },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, global_entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (error->message);

  accounts = load_accounts (&error);
  if (accounts == NULL)
    return fail (error);
  account = pick_account (accounts, &error);
  if (error != NULL)
    return fail (error);

  if (account == NULL)
    {
      /* Nothing added: only what SMSTO_API_KEY names can be deleted. */
      if (delete_data)
        {
          char *key = dup_api_key (NULL);

          if (key != NULL)
            {
              g_autofree char *env_path = dup_cache_path (key);

              sr_credentials_free_key (key);
              if (!delete_reports (env_path, &error))
                return fail (error);
            }
        }
      g_print ("%s\n", _("Not signed in: there is no account to sign out of."));
      return EXIT_OK;
    }

  id = g_strdup (sr_account_get_id (account));
  label = g_strdup (sr_account_get_label (account));
  path = sr_accounts_dup_cache_path (accounts, account);

  /* Another account on the same file keeps it. */
  if (delete_data && !sr_accounts_file_is_shared (accounts, account) &&
      !delete_reports (path, &error))
    return fail (error);

  if (!sr_credentials_clear_account (id, NULL, &error))
    return fail (error);
  sr_accounts_remove (accounts, id);
  if (!sr_accounts_save (accounts, &error))
    return fail (error);

  /* Translators: %s is an account's name */
  g_print (_("Signed out of “%s”: its API key was removed from the keyring.\n"), label);
  if (sr_accounts_get_current (accounts) != NULL)
    /* Translators: %s is an account's name */
    g_print (_("Commands now use the account “%s”.\n"),
             sr_account_get_label (sr_accounts_get_current (accounts)));
  return EXIT_OK;
}

/* --- accounts ---------------------------------------------------------- */

static int
cmd_accounts (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrAccounts) accounts = NULL;
  g_autoptr(GOptionContext) context = g_option_context_new (_("— list the accounts added (* is the one used when --account is not given)"));
  const SrAccount *current;

  g_option_context_add_main_entries (context, global_entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (error->message);
  if (argc > 1)
    return usage_error (_("accounts takes no arguments"));

  accounts = load_accounts (&error);
  if (accounts == NULL)
    return fail (error);

  if (sr_accounts_get_n_accounts (accounts) == 0)
    {
      g_print ("%s\n", _("No accounts yet: add one with “sms-reports-cli login --account LABEL”."));
      return EXIT_OK;
    }

  current = sr_accounts_get_current (accounts);
  for (guint i = 0; i < sr_accounts_get_n_accounts (accounts); i++)
    {
      const SrAccount *account = sr_accounts_get_account (accounts, i);
      const char *currency = sr_account_get_currency (account);

      g_print ("%s %s\t%s\t%s\t%s\n",
               account == current ? "*" : " ",
               sr_account_get_label (account),
               currency != NULL ? currency : "-",
               sr_account_get_is_client (account) ? _("client ID") : _("API key"),
               sr_account_get_api_url (account));
    }
  return EXIT_OK;
}

/* --- sync -------------------------------------------------------------- */

typedef struct
{
  gboolean tty;
  gboolean verbose;
  gint64   last_draw;
  char    *strategy;   /* last one reported with --verbose */
  gboolean waiting;    /* a wait was reported (not a terminal) */
} Progress;

static void
on_progress_cb (SrSync   *sync,
                Progress *progress)
{
  gint64 now = g_get_monotonic_time ();
  gint64 done = sr_sync_get_records (sync);
  gint64 expected = sr_sync_get_records_expected (sync);
  g_autofree char *wait = sr_sync_dup_wait_text (sync);
  g_autofree char *history = NULL;
  const char *phase;
  char bar[31];
  int filled;

  if (progress->verbose && sr_sync_get_strategy (sync) != NULL &&
      g_strcmp0 (progress->strategy, sr_sync_get_strategy (sync)) != 0)
    {
      g_free (progress->strategy);
      progress->strategy = g_strdup (sr_sync_get_strategy (sync));
      if (progress->tty)
        g_printerr ("\r%-100s\r", "");
      /* Translators: %s says how pages are read, e.g. "history downward: page numbers, 1000 per page, …" */
      g_printerr (_("Paging: %s\n"), progress->strategy);
    }

  if (!progress->tty)
    {
      /* Logs get a line when a long wait starts, nothing else. */
      if (wait != NULL && !progress->waiting)
        g_printerr ("%s\n", wait);
      progress->waiting = wait != NULL;
      return;
    }
  if (now - progress->last_draw < 100 * 1000)
    return;
  progress->last_draw = now;

  if (wait != NULL)
    {
      g_printerr ("\r%-100s", wait);
      return;
    }
  history = sr_sync_dup_history_text (sync);

  switch (sr_sync_get_phase (sync))
    {
    case SR_SYNC_PHASE_ACCOUNT: phase = _("Checking the account"); break;
    case SR_SYNC_PHASE_CAMPAIGNS: phase = _("Campaigns"); break;
    case SR_SYNC_PHASE_MESSAGES: phase = _("Messages"); break;
    case SR_SYNC_PHASE_CHECK: phase = _("Checking totals"); break;
    case SR_SYNC_PHASE_IDLE:
    default: phase = ""; break;
    }

  filled = expected > 0 ? (int) MIN (30, done * 30 / expected) : 0;
  memset (bar, '#', filled);
  memset (bar + filled, '-', 30 - filled);
  bar[30] = '\0';

  if (expected > 0)
    g_printerr ("\r%-22s [%s] %3d%%  %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT "  %s   ",
                phase, bar, (int) (done * 100 / MAX (expected, 1)), done, expected,
                history ? history : "");
  else
    g_printerr ("\r%-22s %" G_GINT64_FORMAT "   ", phase, done);
}

/* Redraws the countdown of a wait once a second. */
static gboolean
on_progress_tick_cb (gpointer user_data)
{
  SrSync *sync = g_object_get_data (G_OBJECT (user_data), "sr-cli-sync");
  Progress *progress = g_object_get_data (G_OBJECT (user_data), "sr-cli-progress");

  if (sr_sync_get_wait (sync, NULL) > 0)
    {
      progress->last_draw = 0;
      on_progress_cb (sync, progress);
    }
  return G_SOURCE_CONTINUE;
}

static int
cmd_sync (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) context = g_option_context_new (_("— download new messages and status changes"));
  g_autoptr(SrApiClient) client = NULL;
  g_autoptr(SrCache) cache = NULL;
  g_autoptr(SrSync) sync = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  gboolean full = FALSE;
  int repoll_hours = 72;
  int concurrency = 4;
  int page_size = 1000;
  Waiter waiter = { NULL, NULL };
  Progress progress = { isatty (STDERR_FILENO), FALSE, 0, NULL, FALSE };
  SrSyncSummary summary = { 0 };
  char *key;
  gboolean ok;
  guint sigint_id, tick_id;
  const GOptionEntry entries[] = {
    { "full", 0, 0, G_OPTION_ARG_NONE, &full, N_("Download the whole history again"), NULL },
    /* Shadows the global --verbose here (GOption takes the first match),
     * so it also turns on the technical detail of errors below. */
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &progress.verbose,
      N_("Say how the server’s pages are read (page numbers or time windows), and the detail of errors"), NULL },
    { "repoll-hours", 0, 0, G_OPTION_ARG_INT, &repoll_hours,
      N_("Re-check messages without a final status for this many hours (default 72)"), N_("HOURS") },
    { "concurrency", 0, 0, G_OPTION_ARG_INT, &concurrency,
      N_("Pages downloaded at once on a first sync (default 4)"), N_("N") },
    { "page-size", 0, 0, G_OPTION_ARG_INT, &page_size,
      N_("Messages asked per page (default 1000)"), N_("N") },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, global_entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (error->message);
  if (argc > 1)
    return usage_error (_("sync takes no arguments"));
  if (progress.verbose)
    globals.verbose = TRUE;
  if (repoll_hours < 0 || concurrency < 1 || page_size < 1)
    return usage_error (_("--repoll-hours, --concurrency and --page-size must be positive"));

  if ((key = dup_api_key (&error)) == NULL)
    return fail (error);
  client = sr_api_client_new (globals.api_url, globals.auth_url, key, &error);
  if (client != NULL)
    {
      g_autofree char *path = dup_cache_path (key);

      g_free (globals.cache_path);
      globals.cache_path = g_strdup (path);
      cache = sr_cache_open (path, &error);
    }
  sr_credentials_free_key (key);
  if (client == NULL || cache == NULL)
    return fail (error);

  /* Nothing could be saved: say so before asking the server anything. */
  if (sr_cache_get_read_only (cache))
    {
      g_autofree char *notice = sr_error_text_dup_cache_notice (cache);

      g_printerr ("sms-reports-cli: %s %s\n", _("Syncing is unavailable."), notice);
      return EXIT_DATA;
    }

  sync = sr_sync_new (client, cache);
  sr_sync_set_full (sync, full);
  sr_sync_set_repoll_window (sync, repoll_hours * G_TIME_SPAN_HOUR);
  sr_sync_set_concurrency (sync, concurrency);
  sr_sync_set_page_size (sync, page_size);
  g_signal_connect (sync, "progress", G_CALLBACK (on_progress_cb), &progress);

  sigint_id = g_unix_signal_add (SIGINT, on_sigint_cb, cancellable);
  g_object_set_data (G_OBJECT (cancellable), "sr-cli-sync", sync);
  g_object_set_data (G_OBJECT (cancellable), "sr-cli-progress", &progress);
  tick_id = g_timeout_add_seconds (1, on_progress_tick_cb, cancellable);

  waiter.loop = g_main_loop_new (NULL, FALSE);
  sr_sync_run_async (sync, cancellable, on_ready_cb, &waiter);
  ok = sr_sync_run_finish (sync, waiter_run (&waiter), &summary, &error);
  waiter_clear (&waiter);
  g_source_remove (sigint_id);
  g_source_remove (tick_id);
  g_clear_pointer (&progress.strategy, g_free);

  if (progress.tty)
    g_printerr ("\r%-100s\r", "");

  g_print (_("New messages: %u\nUpdated messages: %u\nSkipped records: %u\nPages: %u\nCampaigns: %u\n"),
           summary.n_new, summary.n_updated, summary.n_skipped, summary.n_pages, summary.n_campaigns);
  if (summary.n_repaired > 0)
    g_print (_("Repaired records: %u (invalid text or out-of-range values; see the debug log)\n"),
             summary.n_repaired);
  {
    g_autofree char *history = sr_sync_dup_history_text (sync);

    if (history != NULL)
      g_print ("%s\n", history);
  }
  g_print (_("Time: %.2f s (HTTP %.2f s, JSON %.2f s, database %.2f s)\n"),
           summary.seconds, summary.http_seconds, summary.parse_seconds, summary.write_seconds);

  sr_cache_close (cache);

  if (!ok)
    return fail (error);

  if (summary.server_total >= 0 && summary.checked_until != SR_TIME_NONE)
    {
      g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (summary.checked_until / G_USEC_PER_SEC);
      g_autoptr(GDateTime) local = g_date_time_to_local (utc);
      g_autofree char *when = g_date_time_format (local, "%Y-%m-%d %H:%M:%S");

      /* Translators: %s is the time of the newest message synced */
      g_print (_("Messages on the server up to %s: %lld\n"), when, (long long) summary.server_total);
      g_print (_("Messages in the local reports up to %s: %lld\n"), when, (long long) summary.cached_total);
      if (summary.server_total != summary.cached_total)
        g_printerr (_("Note: up to %s the server counts %lld messages and the local reports hold %lld; the next sync looks again.\n"),
                    when, (long long) summary.server_total, (long long) summary.cached_total);
    }
  else
    g_print (_("Messages in the local reports: %lld\n"), (long long) summary.cached_total);

  return EXIT_OK;
}

/* --- stats ------------------------------------------------------------- */

static int
cmd_stats (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) context = g_option_context_new (_("— totals of the local reports"));
  g_autoptr(SrCache) cache = NULL;
  g_autoptr(SrMessageFilter) filter = sr_message_filter_new ();
  g_autoptr(SrInsights) insights = NULL;
  const SrInsightsTotals *totals;
  const SrInsightsStatus *statuses;
  guint n_statuses;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree char *campaign = NULL;
  g_autofree char *currency = NULL;
  gboolean json = FALSE;
  gint64 last_sync = SR_TIME_NONE;
  gint64 n_campaigns;
  double balance = -1;
  int ret = EXIT_OK;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON object"), NULL },
    { "from", 0, 0, G_OPTION_ARG_STRING, &from, N_("Only messages created on or after DATE"), N_("DATE") },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to, N_("Only messages created up to DATE (a whole day when only a date is given)"), N_("DATE") },
    { "campaign", 0, 0, G_OPTION_ARG_STRING, &campaign, N_("Only messages of this campaign"), N_("ID") },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, global_entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (error->message);
  if (argc > 1)
    return usage_error (_("stats takes no arguments"));
  if (!apply_date_range (filter, from, to, &ret))
    return ret;
  if (!check_filter_text ("--campaign", campaign, &ret))
    return ret;
  filter->campaign_id = g_strdup (campaign);

  if ((cache = open_cache (&error)) == NULL)
    return fail (error);

  /* The Dashboard's numbers, computed the same way: the CLI and the app
   * cannot disagree. */
  insights = sr_insights_query (cache, filter, SR_INSIGHTS_STATUSES, NULL, NULL, &error);
  if (insights == NULL)
    return fail (error);
  totals = sr_insights_get_totals (insights);
  statuses = sr_insights_get_statuses (insights, &n_statuses);

  if (!sr_cache_get_account (cache, &balance, &currency, &last_sync, &error) && error != NULL)
    return fail (error);

  /* Without any filter this is the Campaign Log's count; with one, the
   * campaigns the selected messages belong to. */
  if (from == NULL && to == NULL && campaign == NULL)
    n_campaigns = sr_cache_count_campaigns (cache, NULL, &error);
  else
    n_campaigns = sr_cache_count_message_campaigns (cache, filter, &error);
  if (n_campaigns < 0)
    return fail (error);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonGenerator) generator = json_generator_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL;
      g_autofree char *last_sync_text = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "total");
      json_builder_add_int_value (builder, totals->total);
      json_builder_set_member_name (builder, "by_status");
      json_builder_begin_object (builder);
      for (guint i = 0; i < n_statuses; i++)
        {
          json_builder_set_member_name (builder, statuses[i].status_raw[0] ? statuses[i].status_raw : "UNKNOWN");
          json_builder_add_int_value (builder, statuses[i].count);
        }
      json_builder_end_object (builder);
      json_builder_set_member_name (builder, "billable");
      json_builder_add_int_value (builder, totals->billable);
      json_builder_set_member_name (builder, "non_billable");
      json_builder_add_int_value (builder, totals->non_billable);
      json_builder_set_member_name (builder, "cost");
      json_builder_add_double_value (builder, totals->cost);
      json_builder_set_member_name (builder, "currency");
      if (currency != NULL)
        json_builder_add_string_value (builder, currency);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "campaigns");
      json_builder_add_int_value (builder, n_campaigns);
      json_builder_set_member_name (builder, "last_sync");
      if (last_sync != SR_TIME_NONE)
        {
          last_sync_text = format_time_utc (last_sync);
          json_builder_add_string_value (builder, last_sync_text);
        }
      else
        json_builder_add_null_value (builder);
      json_builder_end_object (builder);

      root = json_builder_get_root (builder);
      json_generator_set_root (generator, root);
      json_generator_set_pretty (generator, FALSE);
      text = json_generator_to_data (generator, NULL);
      g_print ("%s\n", text);
      return EXIT_OK;
    }

  g_print ("%-14s %10s %7s  %s\n", _("Status"), _("Messages"), _("Share"), _("Billed"));
  for (guint i = 0; i < n_statuses; i++)
    {
      g_print ("%-14s %10" G_GINT64_FORMAT " %6.1f%%  %s\n",
               statuses[i].status_raw[0] ? statuses[i].status_raw : "UNKNOWN",
               statuses[i].count,
               totals->total ? 100.0 * statuses[i].count / totals->total : 0.0,
               statuses[i].billable ? _("yes") : _("no"));
    }
  g_print ("\n");
  g_print (_("Total messages: %lld\n"), (long long) totals->total);
  g_print (_("Billable: %lld   Not billed (rejected, unsubscribed): %lld\n"),
           (long long) totals->billable, (long long) totals->non_billable);
  g_print (_("Cost: %.4f %s\n"), totals->cost, currency ? currency : "");
  g_print (_("Campaigns: %lld\n"), (long long) n_campaigns);
  if (balance >= 0)
    g_print (_("Balance: %.2f %s\n"), balance, currency ? currency : "");
  if (last_sync != SR_TIME_NONE)
    {
      g_autofree char *text = format_time_local (last_sync);
      g_print (_("Last sync: %s\n"), text);
    }
  else
    g_print ("%s\n", _("Last sync: never"));

  return EXIT_OK;
}

/* --- messages ---------------------------------------------------------- */

typedef enum {
  FORMAT_TABLE,
  FORMAT_CSV,
  FORMAT_JSON,
} Format;

static gboolean
parse_format (const char *text,
              Format     *out)
{
  if (text == NULL || g_str_equal (text, "table"))
    *out = FORMAT_TABLE;
  else if (g_str_equal (text, "csv"))
    *out = FORMAT_CSV;
  else if (g_str_equal (text, "json"))
    *out = FORMAT_JSON;
  else
    return FALSE;
  return TRUE;
}

/* The --sort names of the messages and campaigns commands; -1 where a
 * name does not apply. */
static const struct
{
  const char *name;
  int         message_sort;    /* SrMessageSort */
  int         campaign_sort;   /* SrCampaignSort */
} sort_names[] = {
  { "created", SR_MESSAGE_SORT_CREATED, SR_CAMPAIGN_SORT_CREATED },
  { "date", SR_MESSAGE_SORT_CREATED, SR_CAMPAIGN_SORT_CREATED },
  { "sent", SR_MESSAGE_SORT_SENT, -1 },
  { "recipient", SR_MESSAGE_SORT_RECIPIENT, -1 },
  { "to", SR_MESSAGE_SORT_RECIPIENT, -1 },
  { "sender", SR_MESSAGE_SORT_SENDER, SR_CAMPAIGN_SORT_SENDER },
  { "status", SR_MESSAGE_SORT_STATUS, -1 },
  { "parts", SR_MESSAGE_SORT_PARTS, -1 },
  { "cost", SR_MESSAGE_SORT_COST, SR_CAMPAIGN_SORT_COST },
  { "campaign", SR_MESSAGE_SORT_CAMPAIGN, -1 },
  { "recipients", -1, SR_CAMPAIGN_SORT_RECIPIENTS },
  { "delivery-rate", -1, SR_CAMPAIGN_SORT_DELIVERY_RATE },
};

/* NULL text: by creation time. */
static gboolean
parse_sort (const char *text,
            gboolean    campaigns,
            int        *out)
{
  if (text == NULL)
    text = "created";

  for (guint i = 0; i < G_N_ELEMENTS (sort_names); i++)
    {
      int sort = campaigns ? sort_names[i].campaign_sort : sort_names[i].message_sort;

      if (sort >= 0 && g_ascii_strcasecmp (text, sort_names[i].name) == 0)
        {
          *out = sort;
          return TRUE;
        }
    }

  return FALSE;
}

typedef struct
{
  Format      format;
  SrCsvFlags  csv_flags;
  GString    *buffer;
  gboolean    first;
} Writer;

static void
writer_flush (Writer   *writer,
              gboolean  force)
{
  if (writer->buffer->len > 0 && (force || writer->buffer->len > 64 * 1024))
    {
      fwrite (writer->buffer->str, 1, writer->buffer->len, stdout);
      g_string_truncate (writer->buffer, 0);
    }
}

static void
append_json_string (GString    *out,
                    const char *value)
{
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;

  if (value == NULL)
    {
      g_string_append (out, "null");
      return;
    }
  node = json_node_init_string (json_node_alloc (), value);
  text = json_to_string (node, FALSE);
  g_string_append (out, text);
}

static void
append_json_time (GString *out,
                  gint64   usec)
{
  g_autofree char *text = NULL;

  if (usec == SR_TIME_NONE)
    {
      g_string_append (out, "null");
      return;
    }
  text = format_time_utc (usec);
  append_json_string (out, text);
}

static gboolean
write_message_cb (SrMessage *message,
                  gpointer   user_data)
{
  Writer *writer = user_data;
  GString *out = writer->buffer;

  switch (writer->format)
    {
    case FORMAT_CSV:
      sr_csv_append_message (out, message, writer->csv_flags);
      break;

    case FORMAT_JSON:
      {
        char number[G_ASCII_DTOSTR_BUF_SIZE];

        g_string_append (out, writer->first ? "\n  {" : ",\n  {");
        g_string_append (out, "\"id\": ");
        append_json_string (out, sr_message_get_id (message));
        g_string_append (out, ", \"created_at\": ");
        append_json_time (out, sr_message_get_created_at (message));
        g_string_append (out, ", \"sent_at\": ");
        append_json_time (out, sr_message_get_sent_at (message));
        g_string_append (out, ", \"updated_at\": ");
        append_json_time (out, sr_message_get_updated_at (message));
        g_string_append (out, ", \"to\": ");
        append_json_string (out, sr_message_get_to (message));
        g_string_append (out, ", \"sender_id\": ");
        append_json_string (out, sr_message_get_sender_id (message));
        g_string_append (out, ", \"status\": ");
        append_json_string (out, sr_message_get_status_raw (message));
        g_string_append_printf (out, ", \"sms_count\": %d, \"cost\": %s",
                                sr_message_get_sms_count (message),
                                g_ascii_dtostr (number, sizeof number, sr_message_get_cost (message)));
        g_string_append (out, ", \"campaign_id\": ");
        append_json_string (out, sr_message_get_campaign_id (message));
        g_string_append (out, ", \"failed_reason\": ");
        append_json_string (out, sr_message_get_failed_reason (message));
        g_string_append (out, ", \"message\": ");
        append_json_string (out, sr_message_get_message (message));
        g_string_append (out, "}");
      }
      break;

    case FORMAT_TABLE:
    default:
      {
        g_autofree char *when = format_time_local (sr_message_get_created_at (message));
        const char *text = sr_message_get_message (message);
        g_autofree char *one_line = g_strdup (text ? text : "");
        g_autofree char *short_text = NULL;

        g_strdelimit (one_line, "\r\n\t", ' ');
        if (g_utf8_strlen (one_line, -1) > 40)
          {
            g_autofree char *head = g_utf8_substring (one_line, 0, 39);
            short_text = g_strconcat (head, "…", NULL);
          }
        else
          short_text = g_strdup (one_line);

        g_string_append_printf (out, "%-16s  %-16s  %-11s  %-13s  %5d  %8.4f  %s\n",
                                when,
                                sr_message_get_to (message) ? sr_message_get_to (message) : "",
                                sr_message_get_sender_id (message) ? sr_message_get_sender_id (message) : "",
                                sr_message_get_status_raw (message),
                                sr_message_get_sms_count (message),
                                sr_message_get_cost (message),
                                short_text);
      }
      break;
    }

  writer->first = FALSE;
  writer_flush (writer, FALSE);
  return TRUE;
}

/* "messages", or "campaign-messages ID" (campaign_mode): the same options,
 * the campaign given as the argument. */
static int
run_messages (int      argc,
              char   **argv,
              gboolean campaign_mode)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SrCache) cache = NULL;
  g_autoptr(SrMessageFilter) filter = sr_message_filter_new ();
  g_auto(GStrv) statuses = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree char *recipient = NULL;
  g_autofree char *campaign = NULL;
  g_autofree char *search = NULL;
  g_autofree char *sender = NULL;
  g_autofree char *sort_name = NULL;
  g_autofree char *format_name = NULL;
  gboolean descending = FALSE;
  gboolean failed_only = FALSE;
  gboolean nothing = FALSE;
  gboolean raw = FALSE;
  gint64 limit = -1;
  int ret = EXIT_OK;
  SrMessageSort sort;
  int sort_value;
  Writer writer = { FORMAT_TABLE, SR_CSV_FLAGS_NONE, NULL, TRUE };
  const GOptionEntry entries[] = {
    { "status", 0, 0, G_OPTION_ARG_STRING_ARRAY, &statuses,
      N_("Only this status (repeat for several; OTHER for unknown ones)"), N_("STATUS") },
    { "from", 0, 0, G_OPTION_ARG_STRING, &from, N_("Only messages created on or after DATE"), N_("DATE") },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to, N_("Only messages created up to DATE"), N_("DATE") },
    { "recipient", 0, 0, G_OPTION_ARG_STRING, &recipient, N_("Recipient number contains R"), N_("R") },
    { "sender", 0, 0, G_OPTION_ARG_STRING, &sender, N_("Only this sender ID"), N_("SENDER") },
    { "campaign", 0, 0, G_OPTION_ARG_STRING, &campaign, N_("Only messages of this campaign"), N_("ID") },
    { "search", 0, 0, G_OPTION_ARG_STRING, &search, N_("Recipient or text contains TEXT"), N_("TEXT") },
    { "failed-only", 0, 0, G_OPTION_ARG_NONE, &failed_only,
      N_("Only messages that did not arrive: FAILED, EXPIRED, REJECTED, UNSUBSCRIBED and unknown statuses such as UNDELIVERED"), NULL },
    { "sort", 0, 0, G_OPTION_ARG_STRING, &sort_name,
      N_("created, sent, recipient, sender, status, parts, cost or campaign"), N_("FIELD") },
    { "desc", 0, 0, G_OPTION_ARG_NONE, &descending, N_("Sort in descending order"), NULL },
    { "limit", 0, 0, G_OPTION_ARG_INT64, &limit, N_("Print at most N messages"), N_("N") },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format_name, N_("table, csv or json"), N_("FORMAT") },
    { "raw", 0, 0, G_OPTION_ARG_NONE, &raw,
      N_("With --format csv: write every field exactly as stored, for scripts (by default a field starting with =, +, -, @, a tab or a carriage return gets a leading ' so that spreadsheets do not run it as a formula)"), NULL },
    { NULL }
  };

  if (campaign_mode)
    context = g_option_context_new (_("ID — list the messages of a campaign"));
  else
    context = g_option_context_new (_("— list messages of the local reports"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, global_entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (error->message);
  if (campaign_mode)
    {
      if (argc != 2)
        return usage_error (_("campaign-messages takes one argument: the campaign ID"));
      if (campaign != NULL && g_strcmp0 (campaign, argv[1]) != 0)
        return usage_error (_("--campaign and the campaign ID argument differ"));
      g_free (campaign);
      campaign = g_strdup (argv[1]);
    }
  else if (argc > 1)
    return usage_error (_("messages takes no arguments"));
  if (!check_filter_text ("--search", search, &ret) ||
      !check_filter_text ("--recipient", recipient, &ret) ||
      !check_filter_text ("--sender", sender, &ret) ||
      !check_filter_text (campaign_mode ? _("The campaign ID") : "--campaign", campaign, &ret))
    return ret;
  if (!parse_format (format_name, &writer.format))
    return usage_error (_("--format must be table, csv or json"));
  if (raw && writer.format != FORMAT_CSV)
    return usage_error (_("--raw only applies to --format csv"));
  if (raw)
    writer.csv_flags |= SR_CSV_FLAGS_EXACT;
  if (!parse_sort (sort_name, FALSE, &sort_value))
    return usage_error (_("--sort must be created, sent, recipient, sender, status, parts, cost or campaign"));
  sort = (SrMessageSort) sort_value;
  if (!apply_date_range (filter, from, to, &ret))
    return ret;

  for (guint i = 0; statuses != NULL && statuses[i] != NULL; i++)
    {
      g_auto(GStrv) parts = g_strsplit (statuses[i], ",", -1);

      for (guint j = 0; parts[j] != NULL; j++)
        {
          SrStatus status;

          g_strstrip (parts[j]);
          if (parts[j][0] == '\0')
            continue;
          status = sr_status_from_string (parts[j]);
          if (status == SR_STATUS_UNKNOWN
              && g_ascii_strcasecmp (parts[j], "OTHER") != 0
              && g_ascii_strcasecmp (parts[j], "UNKNOWN") != 0)
            {
              g_autofree char *message = g_strdup_printf (_("Unknown status “%s”; use one of DELIVERED, SENDING, SENT, FAILED, EXPIRED, QUEUED, SCHEDULED, REJECTED, UNSUBSCRIBED or OTHER"), parts[j]);
              return usage_error (message);
            }
          filter->status_mask |= 1u << status;
        }
    }

  /* Combined with --status: the statuses asked for that did not arrive. */
  if (failed_only)
    {
      if (filter->status_mask == 0)
        filter->status_mask = sr_status_not_arrived_mask ();
      else
        filter->status_mask &= sr_status_not_arrived_mask ();
      nothing = filter->status_mask == 0;
    }

  filter->recipient = g_strdup (recipient);
  filter->campaign_id = g_strdup (campaign);
  filter->search = g_strdup (search);
  filter->sender_id = g_strdup (sender);

  if ((cache = open_cache (&error)) == NULL)
    return fail (error);

  if (campaign_mode)
    {
      g_autoptr(SrCampaign) found = sr_cache_get_campaign (cache, campaign, &error);

      /* Its messages may be known before the campaign itself is synced. */
      if (found == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        {
          g_autoptr(SrMessageFilter) of_campaign = sr_message_filter_new ();
          gint64 n;

          of_campaign->campaign_id = g_strdup (campaign);
          n = sr_cache_count_messages (cache, of_campaign, NULL);
          if (n > 0)
            g_clear_error (&error);
          else
            {
              g_autofree char *message = g_strdup_printf (_("No campaign “%s” in the local reports"), campaign);

              g_printerr ("sms-reports-cli: %s\n", message);
              return EXIT_DATA;
            }
        }
      if (error != NULL)
        return fail (error);
    }

  if (writer.format == FORMAT_TABLE && limit < 0 && isatty (STDOUT_FILENO))
    limit = 50;

  writer.buffer = g_string_sized_new (128 * 1024);
  if (writer.format == FORMAT_CSV)
    sr_csv_append_message_header (writer.buffer, writer.csv_flags);
  else if (writer.format == FORMAT_JSON)
    g_string_append_c (writer.buffer, '[');
  else
    g_string_append_printf (writer.buffer, "%-16s  %-16s  %-11s  %-13s  %5s  %8s  %s\n",
                            _("Date"), _("Recipient"), _("Sender ID"), _("Status"),
                            _("Parts"), _("Cost"), _("Message"));

  if (!nothing &&
      !sr_cache_foreach_message (cache, filter, sort, descending, limit,
                                 write_message_cb, &writer, NULL, &error))
    {
      writer_flush (&writer, TRUE);
      g_string_free (writer.buffer, TRUE);
      return fail (error);
    }

  if (writer.format == FORMAT_JSON)
    g_string_append (writer.buffer, writer.first ? "]\n" : "\n]\n");
  writer_flush (&writer, TRUE);
  g_string_free (writer.buffer, TRUE);
  fflush (stdout);

  return EXIT_OK;
}

static int
cmd_messages (int argc, char **argv)
{
  return run_messages (argc, argv, FALSE);
}

static int
cmd_campaign_messages (int argc, char **argv)
{
  return run_messages (argc, argv, TRUE);
}

/* --- campaigns --------------------------------------------------------- */

static int
cmd_campaigns (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) context = g_option_context_new (_("— list campaigns of the local reports"));
  g_autoptr(SrCache) cache = NULL;
  g_autoptr(GPtrArray) campaigns = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(SrCampaignFilter) filter = sr_campaign_filter_new ();
  g_autofree char *search = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree char *sender = NULL;
  g_autofree char *source_name = NULL;
  g_autofree char *sort_name = NULL;
  g_autofree char *format_name = NULL;
  gboolean descending = FALSE;
  gboolean raw = FALSE;
  gint64 limit = -1;
  int ret = EXIT_OK;
  Format format;
  SrCsvFlags csv_flags = SR_CSV_FLAGS_NONE;
  SrCampaignSort sort;
  int sort_value;
  const GOptionEntry entries[] = {
    { "search", 0, 0, G_OPTION_ARG_STRING, &search, N_("Sender, text or id contains TEXT"), N_("TEXT") },
    { "from", 0, 0, G_OPTION_ARG_STRING, &from, N_("Only campaigns created on or after DATE"), N_("DATE") },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to, N_("Only campaigns created up to DATE (a whole day when only a date is given)"), N_("DATE") },
    { "sender", 0, 0, G_OPTION_ARG_STRING, &sender, N_("Only this sender ID"), N_("SENDER") },
    { "source", 0, 0, G_OPTION_ARG_STRING, &source_name, N_("Only campaigns sent from the web dashboard (web) or through the API (api)"), N_("web|api") },
    { "sort", 0, 0, G_OPTION_ARG_STRING, &sort_name,
      N_("created, sender, recipients, delivery-rate or cost"), N_("FIELD") },
    { "desc", 0, 0, G_OPTION_ARG_NONE, &descending, N_("Sort in descending order"), NULL },
    { "limit", 0, 0, G_OPTION_ARG_INT64, &limit, N_("Print at most N campaigns"), N_("N") },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format_name, N_("table, csv or json"), N_("FORMAT") },
    { "raw", 0, 0, G_OPTION_ARG_NONE, &raw,
      N_("With --format csv: write every field exactly as stored, for scripts (by default a field starting with =, +, -, @, a tab or a carriage return gets a leading ' so that spreadsheets do not run it as a formula)"), NULL },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, global_entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (error->message);
  if (argc > 1)
    return usage_error (_("campaigns takes no arguments"));
  if (!check_filter_text ("--search", search, &ret) ||
      !check_filter_text ("--sender", sender, &ret))
    return ret;
  if (!parse_format (format_name, &format))
    return usage_error (_("--format must be table, csv or json"));
  if (raw && format != FORMAT_CSV)
    return usage_error (_("--raw only applies to --format csv"));
  if (raw)
    csv_flags |= SR_CSV_FLAGS_EXACT;
  if (!parse_sort (sort_name, TRUE, &sort_value))
    return usage_error (_("--sort must be created, sender, recipients, delivery-rate or cost"));
  sort = (SrCampaignSort) sort_value;
  if (!parse_date_range (from, to, &filter->from, &filter->to, &ret))
    return ret;
  if (source_name == NULL)
    filter->source = SR_CAMPAIGN_SOURCE_ANY;
  else if (g_ascii_strcasecmp (source_name, "web") == 0)
    filter->source = SR_CAMPAIGN_SOURCE_WEB;
  else if (g_ascii_strcasecmp (source_name, "api") == 0)
    filter->source = SR_CAMPAIGN_SOURCE_API;
  else
    return usage_error (_("--source must be web or api"));
  filter->search = g_strdup (search);
  filter->sender_id = g_strdup (sender);

  if ((cache = open_cache (&error)) == NULL)
    return fail (error);

  campaigns = sr_cache_query_campaigns (cache, filter, sort, descending, limit, 0, &error);
  if (campaigns == NULL)
    return fail (error);

  if (format == FORMAT_CSV)
    sr_export_append_campaign_header (out, csv_flags);
  else if (format == FORMAT_JSON)
    g_string_append_c (out, '[');
  else
    g_string_append_printf (out, "%-16s  %-11s  %-4s  %10s  %9s  %7s  %7s  %6s  %6s  %9s  %s\n",
                            _("Date"), _("Sender ID"), _("Via"), _("Recipients"), _("Delivered"),
                            _("Sent"), _("Pending"), _("Failed"), _("Rate"), _("Cost"), _("Message"));

  for (guint i = 0; i < campaigns->len; i++)
    {
      SrCampaign *campaign = g_ptr_array_index (campaigns, i);
      double rate = sr_campaign_get_delivery_rate (campaign);
      char cost[G_ASCII_DTOSTR_BUF_SIZE];
      char rate_text[G_ASCII_DTOSTR_BUF_SIZE];
      const char *source = sr_campaign_get_is_api (campaign) ? "API" : "Web";

      g_ascii_dtostr (cost, sizeof cost, sr_campaign_get_client_total_cost (campaign));
      if (rate >= 0)
        g_ascii_formatd (rate_text, sizeof rate_text, "%.4f", rate);
      else
        rate_text[0] = '\0';

      if (format == FORMAT_CSV)
        {
          sr_export_append_campaign (out, campaign, csv_flags);
        }
      else if (format == FORMAT_JSON)
        {
          g_string_append (out, i == 0 ? "\n  {" : ",\n  {");
          g_string_append (out, "\"id\": ");
          append_json_string (out, sr_campaign_get_id (campaign));
          g_string_append (out, ", \"created_at\": ");
          append_json_time (out, sr_campaign_get_created_at (campaign));
          g_string_append (out, ", \"sender_id\": ");
          append_json_string (out, sr_campaign_get_sender_id (campaign));
          g_string_append_printf (out, ", \"source\": \"%s\", \"status\": ", source);
          append_json_string (out, sr_campaign_get_status (campaign));
          g_string_append_printf (out, ", \"recipients\": %" G_GINT64_FORMAT ", \"delivered\": %" G_GINT64_FORMAT
                                  ", \"sent\": %" G_GINT64_FORMAT ", \"pending\": %" G_GINT64_FORMAT
                                  ", \"failed\": %" G_GINT64_FORMAT ", \"delivery_rate\": %s, \"cost\": %s",
                                  sr_campaign_get_recipients (campaign),
                                  sr_campaign_get_delivered_messages (campaign),
                                  sr_campaign_get_sent_messages (campaign),
                                  sr_campaign_get_pending_messages (campaign),
                                  sr_campaign_get_failed_messages (campaign),
                                  rate >= 0 ? rate_text : "null", cost);
          g_string_append (out, ", \"message\": ");
          append_json_string (out, sr_campaign_get_message (campaign));
          g_string_append (out, "}");
        }
      else
        {
          g_autofree char *when = format_time_local (sr_campaign_get_created_at (campaign));
          g_autofree char *text = g_strdup (sr_campaign_get_message (campaign) ? sr_campaign_get_message (campaign) : "");
          g_autofree char *short_text = NULL;

          g_strdelimit (text, "\r\n\t", ' ');
          short_text = g_utf8_strlen (text, -1) > 30 ? g_utf8_substring (text, 0, 30) : g_strdup (text);
          g_string_append_printf (out, "%-16s  %-11s  %-4s  %10" G_GINT64_FORMAT "  %9" G_GINT64_FORMAT
                                  "  %7" G_GINT64_FORMAT "  %7" G_GINT64_FORMAT "  %6" G_GINT64_FORMAT
                                  "  %5s%%  %9.2f  %s\n",
                                  when,
                                  sr_campaign_get_sender_id (campaign) ? sr_campaign_get_sender_id (campaign) : "",
                                  source,
                                  sr_campaign_get_recipients (campaign),
                                  sr_campaign_get_delivered_messages (campaign),
                                  sr_campaign_get_sent_messages (campaign),
                                  sr_campaign_get_pending_messages (campaign),
                                  sr_campaign_get_failed_messages (campaign),
                                  rate >= 0 ? g_ascii_formatd (rate_text, sizeof rate_text, "%.1f", rate * 100) : "–",
                                  sr_campaign_get_client_total_cost (campaign),
                                  short_text);
        }
    }

  if (format == FORMAT_JSON)
    g_string_append (out, campaigns->len ? "\n]\n" : "]\n");

  fwrite (out->str, 1, out->len, stdout);
  return EXIT_OK;
}

/* --- main -------------------------------------------------------------- */

static const struct
{
  const char *name;
  int (*run) (int argc, char **argv);
  const char *summary;
} commands[] = {
  { "login", cmd_login, N_("Check an API key (from standard input or SMSTO_API_KEY), or with --client-id a client ID and secret, and save it in the keyring") },
  { "logout", cmd_logout, N_("Remove the account (--account, or the one used last) and its API key from the keyring") },
  { "accounts", cmd_accounts, N_("List the accounts added; --account LABEL picks one for any command") },
  { "sync", cmd_sync, N_("Download new messages, campaigns and status changes") },
  { "stats", cmd_stats, N_("Totals per status, billable count and cost") },
  { "messages", cmd_messages, N_("List messages (table, CSV or JSON)") },
  { "campaigns", cmd_campaigns, N_("List campaigns (table, CSV or JSON)") },
  { "campaign-messages", cmd_campaign_messages, N_("List the messages of one campaign (ID; --failed-only for those that did not arrive)") },
};

static void
print_usage (FILE *stream)
{
  fprintf (stream, "%s\n\n", _("Usage: sms-reports-cli [--account LABEL] [--api-url URL] [--auth-url URL] [--data-dir DIR] COMMAND [OPTIONS]"));
  fprintf (stream, "%s\n", _("Commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (stream, "  %-17s %s\n", commands[i].name, _(commands[i].summary));
  fprintf (stream, "\n%s\n", _("Run “sms-reports-cli COMMAND --help” for the options of a command."));
  fprintf (stream, "%s\n", _("The API key is read from SMSTO_API_KEY when set, otherwise from the keyring."));
  fprintf (stream, "%s\n", _("A client ID and secret can take its place: SMSTO_CLIENT_ID and SMSTO_CLIENT_SECRET, or “login --client-id”."));
}

int
main (int    argc,
      char **argv)
{
  int command_index = -1;
  int ret;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* The command is the first argument that is neither an option nor the
   * value of a global option; global options may come before or after it. */
  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--api-url") || g_str_equal (argv[i], "--auth-url") ||
          g_str_equal (argv[i], "--data-dir") || g_str_equal (argv[i], "--account"))
        {
          i++;
          continue;
        }
      if (argv[i][0] == '-')
        {
          if (g_str_equal (argv[i], "--help") || g_str_equal (argv[i], "-h"))
            {
              print_usage (stdout);
              return EXIT_OK;
            }
          if (g_str_equal (argv[i], "--version"))
            {
              g_print ("sms-reports-cli %s\n", PACKAGE_VERSION);
              return EXIT_OK;
            }
          continue;
        }
      command_index = i;
      break;
    }

  if (command_index < 0)
    {
      print_usage (stderr);
      return EXIT_USAGE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      if (g_str_equal (argv[command_index], commands[i].name))
        {
          g_autofree char **args = g_new0 (char *, argc + 1);
          int n = 0;

          /* argv without the command word, so GOption sees only options */
          for (int j = 0; j < argc; j++)
            if (j != command_index)
              args[n++] = argv[j];

          ret = commands[i].run (n, args);
          g_clear_pointer (&globals.api_url, g_free);
          g_clear_pointer (&globals.auth_url, g_free);
          g_clear_pointer (&globals.data_dir, g_free);
          g_clear_pointer (&globals.account, g_free);
          g_clear_pointer (&globals.cache_path, g_free);
          return ret;
        }
    }

  {
    g_autofree char *message = g_strdup_printf (_("Unknown command “%s”"), argv[command_index]);
    return usage_error (message);
  }
}
