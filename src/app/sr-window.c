/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-window.c: the main window and the account's life cycle in it:
 *
 *   start ─► key from SMSTO_API_KEY? ─ no ─► accounts (thread; an earlier
 *              │ yes                          release's key becomes one)
 *              │                                   │ the one used last
 *              │             ┌─────────────────────┤ its key from the keyring
 *              │             │ none / no key       │
 *              │             ▼                     │
 *              │        sign-in page               │
 *              │             │ key accepted:       │
 *              │             │ add (or re-key) the │
 *              ▼             ▼ account, store key  ▼
 *        open the account's cache (thread) ◄───────┘
 *              │ ok                  │ corrupt / too new / cannot open
 *              ▼                     ▼
 *        reports + first sync     problem page (move the file aside, retry)
 *
 * Switching accounts closes the SrSession (pages emptied, campaign windows
 * destroyed, the old account's notifications withdrawn) and opens the
 * other account the same way. The window owns the SrSession and hands it
 * to its pages. Sync state
 * becomes the header's sync button, the thin progress bar, the sidebar
 * footer and the banners; sync errors the user can act on become toasts.
 */
#define G_LOG_DOMAIN "sr-window"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

#include "sr-campaign-notifier.h"
#include "sr-format.h"
#include "sr-message-dialog.h"
#include "sr-shortcuts-dialog.h"
#include "sr-window-private.h"

struct _SrWindow
{
  AdwApplicationWindow  parent_instance;

  AdwToastOverlay      *toast_overlay;
  GtkStack             *main_stack;
  AdwSpinner           *loading_spinner;
  AdwBin               *sign_in_bin;
  SrSignInPage         *sign_in_page;       /* made when first needed, owned by the bin */
  AdwStatusPage        *problem_page;
  GtkWidget            *move_aside_button;
  AdwNavigationSplitView *split_view;
  AdwNavigationPage    *sidebar;
  GtkListBox           *sidebar_list;
  GtkWidget            *sidebar_title;      /* instead of the switcher without accounts */
  GtkMenuButton        *account_button;
  GtkLabel             *account_label;
  GtkLabel             *account_currency_label;
  GMenu                *account_section;
  GMenuModel           *account_menu;
  GMenuModel           *primary_menu;
  GtkMenuButton        *primary_menu_button;
  GtkListBoxRow        *dashboard_row;
  GtkListBoxRow        *messages_row;
  GtkListBoxRow        *campaigns_row;
  GtkLabel             *balance_label;
  GtkLabel             *sync_status_label;
  AdwNavigationPage    *content;
  GtkButton            *sync_button;
  GtkStack             *sync_button_stack;
  AdwSpinner           *sync_spinner;
  AdwBanner            *auth_banner;
  AdwBanner            *offline_banner;
  AdwBanner            *storage_banner;     /* read-only file, full disk */
  GtkProgressBar       *sync_progress;
  GtkStack             *content_stack;
  GtkWidget            *opening_cover;
  GtkWidget            *opening_slow_label;  /* shown after OPENING_SLOW_MS */
  guint                 opening_slow_id;
  /* Reports files being deleted on a worker (sign-out, removing an
   * account): an open waits for them, so that it never races a deletion
   * of the same file (the same account signed in again at once). */
  guint                 n_deleting;
  gboolean              open_waits_for_delete;
  gboolean              moving_aside;
  AdwBin               *dashboard_bin;
  AdwBin               *messages_bin;
  AdwBin               *campaigns_bin;
  /* Made when first shown or asked for (ensure_*_page()): a page not on
   * screen costs nothing at start-up. NULL until then; owned by the bins. */
  SrDashboardPage      *dashboard_page;
  SrMessagesPage       *messages_page;
  SrCampaignsPage      *campaigns_page;

  GSettings            *settings;
  GCancellable         *cancellable;
  SrSession            *session;
  SrCampaignNotifier   *notifier;           /* "campaign done" notifications */
  GHashTable           *campaign_windows;   /* id → SrCampaignWindow*, unowned */
  SrAccounts           *accounts;           /* NULL: a key from the environment, or no keyring */
  char                 *account_id;         /* the account open or being opened */
  char                 *return_to;          /* the page "Add Account" was started from */
  char                 *account_display_name; /* "Label · EUR", the switcher's */

  char                 *api_url;
  char                 *auth_url;
  char                 *data_dir;
  char                 *api_key;            /* wiped on free */
  char                 *cache_path;         /* of the account being opened */
  char                 *pending_message_id; /* to show once the account is open */
  char                 *pending_search;     /* likewise */
  SrWindowKept         *adopt;              /* construct-only: an open account to take over */
  gint64                reported_mismatch;
  guint                 clock_source;
  gint64                created_usec;       /* start-up figures in the debug log */
  gulong                painted_id;

  guint                 key_from_env : 1;
  guint                 use_keyring : 1;
  guint                 urls_from_command_line : 1;
};

G_DEFINE_FINAL_TYPE (SrWindow, sr_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_API_URL,
  PROP_AUTH_URL,
  PROP_DATA_DIR,
  PROP_API_KEY,
  PROP_USE_KEYRING,
  PROP_ACCOUNT_ID,
  PROP_KEPT,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void open_account (SrWindow *self);
static void save_accounts (SrWindow *self);
static void show_sign_in (SrWindow *self, const char *notice);

static void
wipe_key (char **key)
{
  g_clear_pointer (key, sr_credentials_free_key);
}

static void
add_toast (SrWindow   *self,
           const char *title,
           const char *button_label,
           const char *action_name)
{
  AdwToast *toast = adw_toast_new (title);

  if (button_label != NULL)
    {
      adw_toast_set_button_label (toast, button_label);
      adw_toast_set_action_name (toast, action_name);
    }
  adw_toast_set_timeout (toast, 6);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* --- sync state in the chrome --- */

static void
update_sync_status (SrWindow *self)
{
  g_autofree char *text = NULL;
  SrSession *session = self->session;

  if (session == NULL)
    return;

  if (sr_session_get_syncing (session))
    text = g_strdup (sr_session_get_progress_text (session));
  else
    text = g_strdup (sr_session_get_synced_text (session));

  gtk_label_set_label (self->sync_status_label, text != NULL ? text : "");
}

static void
update_balance (SrWindow *self)
{
  g_autofree char *text = NULL;

  if (self->session == NULL || sr_session_get_balance (self->session) < 0)
    {
      gtk_label_set_label (self->balance_label, "—");
      return;
    }

  text = sr_format_money (sr_session_get_balance (self->session),
                          sr_session_get_currency (self->session), 2);
  gtk_label_set_label (self->balance_label, text);

  /* The switcher names accounts by their currency too. */
  if (self->accounts != NULL && self->account_id != NULL &&
      sr_accounts_set_currency (self->accounts, self->account_id, sr_session_get_currency (self->session)))
    save_accounts (self);
}

static void
update_banners (SrWindow *self)
{
  SrSession *session = self->session;
  gboolean offline = session != NULL && sr_session_get_offline (session);
  gboolean auth_failed = session != NULL && sr_session_get_auth_failed (session);

  if (offline)
    {
      g_autofree char *title = NULL;

      if (sr_session_get_last_sync (session) != SR_TIME_NONE)
        {
          g_autofree char *when = sr_format_relative_time (sr_session_get_last_sync (session), g_get_real_time ());
          /* Translators: offline banner, %s is like "3 minutes ago" or "yesterday at 14:05" */
          title = g_strdup_printf (_("Offline — showing reports synced %s"), when);
        }
      else
        title = g_strdup (_("Offline — SMS.to cannot be reached"));

      adw_banner_set_title (self->offline_banner, title);
    }

  adw_banner_set_revealed (self->offline_banner, offline && !auth_failed);
  adw_banner_set_revealed (self->auth_banner, auth_failed);

  /* Only flags of the cache: nothing is read from the file here. */
  {
    g_autofree char *notice = session != NULL ? sr_error_text_dup_cache_notice (sr_session_get_cache (session)) : NULL;

    if (notice != NULL)
      adw_banner_set_title (self->storage_banner, notice);
    adw_banner_set_revealed (self->storage_banner, notice != NULL);
  }
}

static void
update_sync_ui (SrWindow *self)
{
  SrSession *session = self->session;
  gboolean syncing = session != NULL && sr_session_get_syncing (session);
  double progress = session != NULL ? sr_session_get_progress (session) : -1;

  gtk_stack_set_visible_child_name (self->sync_button_stack, syncing ? "syncing" : "idle");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->sync_button),
                                  syncing ? "win.cancel-sync" : "win.sync");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->sync_button), syncing ? _("Stop Syncing") : _("Sync Now"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->sync_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  syncing ? _("Stop Syncing") : _("Sync Now"),
                                  -1);

  gtk_widget_set_visible (GTK_WIDGET (self->sync_spinner), syncing);
  if (syncing && session != NULL)
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->sync_spinner), sr_session_get_progress_text (session));

  gtk_widget_set_visible (GTK_WIDGET (self->sync_progress), syncing);
  if (syncing)
    {
      if (progress >= 0)
        gtk_progress_bar_set_fraction (self->sync_progress, progress);
      else
        gtk_progress_bar_pulse (self->sync_progress);
    }

  update_sync_status (self);
}

static gboolean
on_clock_cb (gpointer user_data)
{
  SrWindow *self = user_data;

  update_sync_status (self);
  update_banners (self);

  return G_SOURCE_CONTINUE;
}

static void
on_sync_finished_cb (SrWindow            *self,
                     const SrSyncSummary *summary,
                     const GError        *error,
                     gboolean             user_requested)
{
  g_assert (SR_IS_WINDOW (self));

  if (error != NULL)
    {
      g_autofree char *title = NULL;

      /* Cancelling is what the user asked for; refused keys and an
       * unreachable server have their banners. */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
          sr_session_get_auth_failed (self->session) ||
          sr_session_get_offline (self->session))
        return;

      if (g_error_matches (error, SR_API_ERROR, SR_API_ERROR_RATE_LIMITED))
        title = g_strdup (_("SMS.to asked to slow down; syncing will continue later"));
      else if (g_error_matches (error, SR_API_ERROR, SR_API_ERROR_SERVER))
        title = g_strdup (_("SMS.to had a problem; your saved reports are unchanged"));
      else if (error->domain == SR_CACHE_ERROR)
        {
          title = sr_error_text_dup (error, sr_session_get_cache_path (self->session));
          g_debug ("Saving the reports failed: %s", error->message);
        }
      else
        /* Translators: %s is the technical reason */
        title = g_strdup_printf (_("Sync failed: %s"), error->message);

      add_toast (self, title, _("_Retry"), "win.sync");
      return;
    }

  if (summary == NULL)
    return;

  /* The counts compare the same span (up to the newest message synced), so
   * arrivals during the sync are no difference. A gap left is not an error:
   * the next sync looks again; say it once, calmly, and only when messages
   * are missing here (more here than there is for the debug log). */
  if (summary->server_total >= 0 && summary->cached_total >= 0 &&
      summary->server_total != summary->cached_total &&
      summary->server_total != self->reported_mismatch)
    {
      self->reported_mismatch = summary->server_total;
      g_debug ("After the sync SMS.to counts %" G_GINT64_FORMAT " messages, the cache %" G_GINT64_FORMAT,
               summary->server_total, summary->cached_total);
      if (summary->server_total > summary->cached_total)
        {
          gint64 missing = summary->server_total - summary->cached_total;
          g_autofree char *count = sr_format_count (missing);
          /* Translators: after a sync; %s is a number of messages */
          g_autofree char *title = g_strdup_printf (ngettext ("%s message is not here yet; the next sync fetches it",
                                                              "%s messages are not here yet; the next sync fetches them",
                                                              (gulong) missing),
                                                    count);

          add_toast (self, title, _("_Sync Now"), "win.sync");
          return;
        }
    }

  if (user_requested)
    {
      g_autofree char *title = NULL;

      if (summary->n_new == 0)
        title = g_strdup (_("Reports are up to date"));
      else
        {
          g_autofree char *count = sr_format_count (summary->n_new);
          title = g_strdup_printf (ngettext ("%s new message", "%s new messages", summary->n_new), count);
        }
      add_toast (self, title, NULL, NULL);
    }
}

/* --- pages --- */

static void on_dashboard_show_messages_cb (SrWindow              *self,
                                           const SrMessageFilter *filter,
                                           const char            *label);

/* The pages are made the first time they are shown or asked for, and get
 * the open session then; until then a page costs nothing (the Campaign
 * Log's column view alone is a good part of a start-up's work). */
static SrDashboardPage *
ensure_dashboard_page (SrWindow *self)
{
  if (self->dashboard_page == NULL)
    {
      self->dashboard_page = SR_DASHBOARD_PAGE (g_object_new (SR_TYPE_DASHBOARD_PAGE, NULL));
      g_signal_connect_object (self->dashboard_page, "show-messages",
                               G_CALLBACK (on_dashboard_show_messages_cb), self, G_CONNECT_SWAPPED);
      adw_bin_set_child (self->dashboard_bin, GTK_WIDGET (self->dashboard_page));
      if (self->session != NULL)
        sr_dashboard_page_set_session (self->dashboard_page, self->session);
    }
  return self->dashboard_page;
}

static SrMessagesPage *
ensure_messages_page (SrWindow *self)
{
  if (self->messages_page == NULL)
    {
      self->messages_page = SR_MESSAGES_PAGE (g_object_new (SR_TYPE_MESSAGES_PAGE, NULL));
      adw_bin_set_child (self->messages_bin, GTK_WIDGET (self->messages_page));
      if (self->session != NULL)
        sr_messages_page_set_session (self->messages_page, self->session);
    }
  return self->messages_page;
}

static SrCampaignsPage *
ensure_campaigns_page (SrWindow *self)
{
  if (self->campaigns_page == NULL)
    {
      self->campaigns_page = SR_CAMPAIGNS_PAGE (g_object_new (SR_TYPE_CAMPAIGNS_PAGE, NULL));
      adw_bin_set_child (self->campaigns_bin, GTK_WIDGET (self->campaigns_page));
      if (self->session != NULL)
        sr_campaigns_page_set_session (self->campaigns_page, self->session);
    }
  return self->campaigns_page;
}

/* name: "dashboard", "messages" or "campaigns" (anything else is the
 * Dashboard, as for sr_window_show_content_page()). */
static void
ensure_page (SrWindow   *self,
             const char *name)
{
  if (g_strcmp0 (name, "messages") == 0)
    ensure_messages_page (self);
  else if (g_strcmp0 (name, "campaigns") == 0)
    ensure_campaigns_page (self);
  else
    ensure_dashboard_page (self);
}

static void
update_content_title (SrWindow *self)
{
  const char *name = gtk_stack_get_visible_child_name (self->content_stack);
  GtkStackPage *page;

  if (name == NULL)
    return;

  page = gtk_stack_get_page (self->content_stack, gtk_stack_get_visible_child (self->content_stack));
  adw_navigation_page_set_title (self->content, gtk_stack_page_get_title (page));
}

void
sr_window_show_content_page (SrWindow   *self,
                             const char *name)
{
  GtkListBoxRow *row;

  g_return_if_fail (SR_IS_WINDOW (self));

  if (g_strcmp0 (name, "messages") == 0)
    row = self->messages_row;
  else if (g_strcmp0 (name, "campaigns") == 0)
    row = self->campaigns_row;
  else
    {
      name = "dashboard";
      row = self->dashboard_row;
    }

  ensure_page (self, name);
  gtk_stack_set_visible_child_name (self->content_stack, name);
  gtk_list_box_select_row (self->sidebar_list, row);
  update_content_title (self);
  adw_navigation_split_view_set_show_content (self->split_view, TRUE);
}

static void
on_dashboard_show_messages_cb (SrWindow              *self,
                               const SrMessageFilter *filter,
                               const char            *label)
{
  g_assert (SR_IS_WINDOW (self));

  /* The page first: the filtered list then takes the focus. */
  sr_window_show_content_page (self, "messages");
  sr_messages_page_show_filter (ensure_messages_page (self), filter, label);
}

/* --- opened from GNOME Shell's search --- */

static void
show_message_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(SrWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  SrMessage *message;
  SrCampaignIndex *index;
  GtkWidget *dialog;

  messages = sr_message_search_get_messages_finish (result, &error);
  if (messages == NULL || self->session == NULL)
    {
      if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Cannot read the message to show: %s", error->message);
      return;
    }

  if (messages->len == 0)
    {
      add_toast (self, _("That message is no longer in the downloaded reports"), NULL, NULL);
      return;
    }

  message = g_ptr_array_index (messages, 0);
  dialog = sr_message_dialog_new (message, sr_session_get_currency (self->session),
                                  g_settings_get_boolean (self->settings, "show-utc"));
  index = sr_session_get_campaign_index (self->session);
  if (index != NULL)
    sr_message_dialog_set_campaign (SR_MESSAGE_DIALOG (dialog),
                                    sr_campaign_index_lookup (index, sr_message_get_campaign_id (message)));
  sr_message_dialog_set_can_open_campaign (SR_MESSAGE_DIALOG (dialog), TRUE);
  adw_dialog_present (ADW_DIALOG (dialog), GTK_WIDGET (self));
}

void
sr_window_show_message (SrWindow   *self,
                        const char *message_id)
{
  const char *ids[] = { message_id, NULL };

  g_return_if_fail (SR_IS_WINDOW (self));
  g_return_if_fail (message_id != NULL);

  if (self->session == NULL)
    {
      g_free (self->pending_message_id);
      self->pending_message_id = g_strdup (message_id);
      return;
    }

  sr_message_search_get_messages_async (sr_session_get_cache (self->session), ids,
                                        self->cancellable, show_message_cb, g_object_ref (self));
}

void
sr_window_search_messages (SrWindow   *self,
                           const char *text)
{
  g_autoptr(SrMessageFilter) filter = sr_message_filter_new ();

  g_return_if_fail (SR_IS_WINDOW (self));
  g_return_if_fail (text != NULL);

  if (self->session == NULL)
    {
      g_free (self->pending_search);
      self->pending_search = g_strdup (text);
      return;
    }

  filter->search = g_utf8_substring (text, 0, MIN (g_utf8_strlen (text, -1), SR_FILTER_TEXT_MAX_CHARS));
  sr_window_show_content_page (self, "messages");
  sr_messages_page_show_filter (ensure_messages_page (self), filter, NULL);
}

void
sr_window_show_messages (SrWindow              *self,
                         const SrMessageFilter *filter)
{
  g_return_if_fail (SR_IS_WINDOW (self));

  if (self->session != NULL)
    on_dashboard_show_messages_cb (self, filter, NULL);
}

static void
show_pending (SrWindow *self)
{
  g_autofree char *message_id = g_steal_pointer (&self->pending_message_id);
  g_autofree char *search = g_steal_pointer (&self->pending_search);

  if (search != NULL)
    sr_window_search_messages (self, search);
  if (message_id != NULL)
    sr_window_show_message (self, message_id);
}

static void
on_sidebar_row_activated_cb (SrWindow      *self,
                             GtkListBoxRow *row)
{
  g_assert (SR_IS_WINDOW (self));

  if (row == self->messages_row)
    sr_window_show_content_page (self, "messages");
  else if (row == self->campaigns_row)
    sr_window_show_content_page (self, "campaigns");
  else if (row == self->dashboard_row)
    sr_window_show_content_page (self, "dashboard");
}

/* --- the account --- */

/* The pages and campaign windows let go of the open session; close_it
 * closes it as well (otherwise someone else keeps it running). */
static void
drop_session (SrWindow *self,
              gboolean  close_it)
{
  if (self->session != NULL)
    {
      g_autoptr(GList) campaign_windows = NULL;

      g_signal_handlers_disconnect_by_data (self->session, self);

      /* Campaign windows belong to the account. A destroyed window removes
       * itself from the table, so empty the table before destroying any. */
      campaign_windows = g_hash_table_get_values (self->campaign_windows);
      g_hash_table_remove_all (self->campaign_windows);
      for (GList *l = campaign_windows; l != NULL; l = l->next)
        gtk_window_destroy (GTK_WINDOW (l->data));

      if (self->dashboard_page != NULL)
        sr_dashboard_page_set_session (self->dashboard_page, NULL);
      if (self->messages_page != NULL)
        sr_messages_page_set_session (self->messages_page, NULL);
      if (self->campaigns_page != NULL)
        sr_campaigns_page_set_session (self->campaigns_page, NULL);
      g_clear_object (&self->notifier);
      if (close_it)
        sr_session_close (self->session);
      g_clear_object (&self->session);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
    }
}

/* notifier: the session's own when it is taken over (NULL: a new one). */
static void
set_session_full (SrWindow           *self,
                  SrSession          *session,
                  SrCampaignNotifier *notifier)
{
  if (self->session == session)
    return;

  drop_session (self, TRUE);

  if (session == NULL)
    {
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.sync", FALSE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.cancel-sync", FALSE);
      return;
    }

  self->session = g_object_ref (session);
  self->notifier = notifier != NULL ? g_object_ref (notifier) : sr_campaign_notifier_new (session);
  self->reported_mismatch = -1;

  g_signal_connect_object (session, "notify::syncing",
                           G_CALLBACK (update_sync_ui), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::progress",
                           G_CALLBACK (update_sync_ui), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::progress-text",
                           G_CALLBACK (update_sync_ui), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::synced-text",
                           G_CALLBACK (update_sync_status), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::balance",
                           G_CALLBACK (update_balance), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::currency",
                           G_CALLBACK (update_balance), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::offline",
                           G_CALLBACK (update_banners), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::auth-failed",
                           G_CALLBACK (update_banners), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "sync-finished",
                           G_CALLBACK (on_sync_finished_cb), self, G_CONNECT_SWAPPED);

  /* Only the pages made so far; the others get it when made. */
  if (self->dashboard_page != NULL)
    sr_dashboard_page_set_session (self->dashboard_page, session);
  if (self->messages_page != NULL)
    sr_messages_page_set_session (self->messages_page, session);
  if (self->campaigns_page != NULL)
    sr_campaigns_page_set_session (self->campaigns_page, session);

  /* Reports opened for viewing only cannot be synced; the banner says why. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.sync",
                                 !sr_cache_get_read_only (sr_session_get_cache (session)));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.cancel-sync", TRUE);

  update_balance (self);
  update_banners (self);
  update_sync_ui (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

static void
set_session (SrWindow  *self,
             SrSession *session)
{
  set_session_full (self, session, NULL);
}

static void
show_problem (SrWindow     *self,
              const GError *error)
{
  const char *title;
  g_autofree char *description = NULL;
  gboolean can_move_aside = FALSE;

  /* SQLite's words are for the debug log; the page says what to do. */
  g_debug ("Cannot open the saved reports: %s", error->message);

  if (g_error_matches (error, SR_CACHE_ERROR, SR_CACHE_ERROR_CORRUPT))
    {
      title = _("Saved Reports Are Damaged");
      description = g_strdup (_("The file that keeps your downloaded reports is damaged and cannot be read. "
                                "It can be moved aside — it is renamed, not deleted — and your reports downloaded again from SMS.to."));
      can_move_aside = TRUE;
    }
  else if (g_error_matches (error, SR_CACHE_ERROR, SR_CACHE_ERROR_TOO_NEW))
    {
      title = _("Reports Saved by a Newer Version");
      description = g_strdup (_("A newer version of SMS Reports saved these reports and this version cannot read them. "
                                "Update SMS Reports, or move the file aside — it is renamed, not deleted — and download the reports again."));
      can_move_aside = TRUE;
    }
  else if (error->domain == SR_CACHE_ERROR)
    {
      title = _("Saved Reports Cannot Be Opened");
      description = sr_error_text_dup (error, self->cache_path);
    }
  else
    {
      title = _("Cannot Open Your Account");
      description = g_strdup (error->message);
    }

  adw_status_page_set_title (self->problem_page, title);
  adw_status_page_set_description (self->problem_page, description);
  gtk_widget_set_visible (self->move_aside_button, can_move_aside);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.move-cache-aside", can_move_aside);
  gtk_stack_set_visible_child_name (self->main_stack, "problem");
}

static void on_signed_in_cb (SrWindow   *self,
                             const char *key,
                             const char *api_url,
                             const char *auth_url);
static void on_sign_in_cancelled_cb (SrWindow *self);

/* Most starts never show the sign-in page: it is made when needed. */
static SrSignInPage *
ensure_sign_in_page (SrWindow *self)
{
  if (self->sign_in_page == NULL)
    {
      self->sign_in_page = SR_SIGN_IN_PAGE (g_object_new (SR_TYPE_SIGN_IN_PAGE, NULL));
      g_signal_connect_object (self->sign_in_page, "signed-in",
                               G_CALLBACK (on_signed_in_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->sign_in_page, "cancelled",
                               G_CALLBACK (on_sign_in_cancelled_cb), self, G_CONNECT_SWAPPED);
      adw_bin_set_child (self->sign_in_bin, GTK_WIDGET (self->sign_in_page));
    }
  return self->sign_in_page;
}

static void
show_sign_in (SrWindow   *self,
              const char *notice)
{
  SrSignInPage *page = ensure_sign_in_page (self);

  sr_sign_in_page_reset (page);
  sr_sign_in_page_set_adding (page, NULL);
  sr_sign_in_page_set_urls (page, self->api_url, self->auth_url);
  sr_sign_in_page_set_notice (page, notice);
  gtk_stack_set_visible_child_name (self->main_stack, "sign-in");
  sr_sign_in_page_focus_key (page);
}

/* The reports' chrome with a spinner over the pages, which would show
 * dashes and "no messages" until the file is open. */
/* An open is a fraction of a second, but a file from an earlier version
 * is updated first (about 25 s for a million messages from schema 6), one
 * not closed cleanly is checked, and one left by an interrupted first
 * download gets its indexes: after this long the cover says so. */
#define OPENING_SLOW_MS 2000

static gboolean
opening_slow_cb (gpointer user_data)
{
  SrWindow *self = user_data;

  self->opening_slow_id = 0;
  gtk_widget_set_visible (self->opening_slow_label, TRUE);
  g_debug ("Opening the account's file takes longer than %d ms", OPENING_SLOW_MS);
  return G_SOURCE_REMOVE;
}

static void
set_opening (SrWindow *self,
             gboolean  opening)
{
  gtk_widget_set_visible (self->opening_cover, opening);
  gtk_widget_set_visible (self->opening_slow_label, FALSE);
  g_clear_handle_id (&self->opening_slow_id, g_source_remove);
  if (opening)
    self->opening_slow_id = g_timeout_add (OPENING_SLOW_MS, opening_slow_cb, self);
}

/* The first frame in which the page shown has its cached figures or rows
 * (a start-up figure for the debug log). */
static void
on_startup_after_paint_cb (SrWindow      *self,
                           GdkFrameClock *frame_clock)
{
  const char *page = gtk_stack_get_visible_child_name (self->content_stack);
  SrMessageList *messages = self->messages_page != NULL ? sr_messages_page_get_list (self->messages_page) : NULL;
  SrCampaignList *campaigns = self->campaigns_page != NULL ? sr_campaigns_page_get_list (self->campaigns_page) : NULL;
  gboolean ready;

  if (g_strcmp0 (page, "dashboard") == 0)
    ready = self->dashboard_page != NULL && sr_dashboard_page_get_total (self->dashboard_page) >= 0;
  else if (g_strcmp0 (page, "messages") == 0)
    ready = messages != NULL && !sr_message_list_get_loading (messages);
  else
    ready = campaigns != NULL && !sr_campaign_list_get_loading (campaigns);

  if (!ready || gtk_stack_get_visible_child_name (self->main_stack) == NULL ||
      !g_str_equal (gtk_stack_get_visible_child_name (self->main_stack), "reports"))
    return;

  g_clear_signal_handler (&self->painted_id, frame_clock);
  g_debug ("Start-up: cached reports painted %.0f ms after the window was created",
           (g_get_monotonic_time () - self->created_usec) / 1000.0);
}

static void
session_open_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(SrWindow) self = user_data;
  g_autoptr(SrSession) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *last_page = NULL;

  session = sr_session_open_finish (result, &error);
  if (session != NULL || !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    set_opening (self, FALSE);

  if (session == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      g_debug ("Opening the account failed: %s", error->message);
      if (g_error_matches (error, SR_API_ERROR, SR_API_ERROR_INVALID_URL))
        show_sign_in (self, error->message);
      else
        show_problem (self, error);
      return;
    }

  set_session (self, session);
  g_debug ("Start-up: account opened %.0f ms after the window was created",
           (g_get_monotonic_time () - self->created_usec) / 1000.0);
  if (self->painted_id == 0 && gtk_widget_get_mapped (GTK_WIDGET (self)))
    self->painted_id = g_signal_connect_object (gtk_widget_get_frame_clock (GTK_WIDGET (self)), "after-paint",
                                                G_CALLBACK (on_startup_after_paint_cb), self, G_CONNECT_SWAPPED);

  last_page = g_settings_get_string (self->settings, "last-page");
  sr_window_show_content_page (self, last_page);
  gtk_stack_set_visible_child_name (self->main_stack, "reports");
  /* The sign-in page's key entry had the focus: give it to the page the
   * reports open on, so the keyboard goes on from there. */
  {
    GtkWidget *page = gtk_stack_get_visible_child (self->content_stack);

    if (page != NULL && !gtk_widget_child_focus (page, GTK_DIR_TAB_FORWARD))
      gtk_widget_grab_focus (page);
  }

  show_pending (self);
  /* The account is checked after the cached reports are shown; the sync
   * runs off the main thread, and a refused connection adds the offline
   * banner above them. */
  sr_session_sync (session, FALSE);
}

static void
open_account (SrWindow *self)
{
  g_return_if_fail (self->api_key != NULL);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  g_free (self->cache_path);
  self->cache_path = sr_session_build_cache_path (self->api_url, self->api_key, self->data_dir);

  /* The file opens on a worker first, while the main thread builds what
   * follows (session_open_cb() runs in a later main-loop iteration). */
  set_session (self, NULL);
  if (self->n_deleting > 0)
    self->open_waits_for_delete = TRUE;
  else
    {
      sr_session_open_async (self->api_url, self->auth_url, self->api_key, self->data_dir,
                             self->cancellable, session_open_cb, g_object_ref (self));
    }

  /* The window's own chrome at once, not a bare spinner: the pages fill
   * in when the file is open (a thread; seconds when it is checked). */
  gtk_label_set_label (self->balance_label, "—");
  gtk_label_set_label (self->sync_status_label, _("Opening your saved reports…"));
  set_opening (self, TRUE);
  /* The page the reports open on is made and laid out under the cover
   * while the file opens (a thread); the other pages wait to be shown. */
  {
    g_autofree char *last_page = g_settings_get_string (self->settings, "last-page");

    sr_window_show_content_page (self, last_page);
  }
  gtk_stack_set_visible_child_name (self->main_stack, "reports");
}

/* --- accounts --- */

static void
on_accounts_saved_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(SrWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!sr_accounts_save_finish (result, &error))
    {
      g_autofree char *text = sr_error_text_dup (error, NULL);
      /* Translators: %s says what went wrong */
      g_autofree char *title = g_strdup_printf (_("The list of accounts could not be saved: %s"), text);

      add_toast (self, title, NULL, NULL);
    }
}

static void
save_accounts (SrWindow *self)
{
  if (self->accounts != NULL)
    sr_accounts_save_async (self->accounts, NULL, on_accounts_saved_cb, g_object_ref (self));
}

static void
update_account_switcher (SrWindow *self)
{
  const SrAccount *current = NULL;
  g_autofree char *name = NULL;
  g_autofree char *accessible = NULL;

  g_menu_remove_all (self->account_section);
  if (self->accounts != NULL)
    {
      current = sr_accounts_find (self->accounts, self->account_id);
      for (guint i = 0; i < sr_accounts_get_n_accounts (self->accounts); i++)
        {
          const SrAccount *account = sr_accounts_get_account (self->accounts, i);
          g_autofree char *display = sr_account_dup_display_name (account);
          g_auto(GStrv) parts = g_strsplit (display, "_", -1);
          /* A menu item reads "_" as a mnemonic: a label's own are doubled. */
          g_autofree char *escaped = g_strjoinv ("__", parts);
          g_autoptr(GMenuItem) item = g_menu_item_new (escaped, NULL);

          g_menu_item_set_action_and_target_value (item, "win.account",
                                                   g_variant_new_string (sr_account_get_id (account)));
          g_menu_append_item (self->account_section, item);
        }
    }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.add-account", self->accounts != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->account_button), current != NULL);
  gtk_widget_set_visible (self->sidebar_title, current == NULL);
  if (current == NULL)
    return;

  name = sr_account_dup_display_name (current);
  g_free (self->account_display_name);
  self->account_display_name = g_strdup (name);
  gtk_label_set_label (self->account_label, sr_account_get_label (current));
  gtk_label_set_label (self->account_currency_label,
                       sr_account_get_currency (current) != NULL ? sr_account_get_currency (current) : "");
  gtk_widget_set_visible (GTK_WIDGET (self->account_currency_label), sr_account_get_currency (current) != NULL);
  /* Translators: the account switcher's name for screen readers; %s is
   * the account, e.g. "Agency (live) · EUR" */
  accessible = g_strdup_printf (_("Account: %s"), name);
  /* On the menu button and on the toggle button inside it, which is the
   * node that takes the focus. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->account_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  if (gtk_widget_get_first_child (GTK_WIDGET (self->account_button)) != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (gtk_widget_get_first_child (GTK_WIDGET (self->account_button))),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
}

static void
set_account_id (SrWindow   *self,
                const char *account_id)
{
  if (g_strcmp0 (self->account_id, account_id) == 0)
    return;
  g_free (self->account_id);
  self->account_id = g_strdup (account_id);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACCOUNT_ID]);
  update_account_switcher (self);
}

/* The old account's notifications point at its campaigns and hours. */
static void
withdraw_notifications (SrWindow *self)
{
  if (self->notifier != NULL)
    sr_campaign_notifier_withdraw_all (self->notifier);
}

static void
account_key_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(SrWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  const SrAccount *account;
  char *key;

  key = sr_credentials_lookup_account_finish (result, &error);
  if (error != NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  account = self->accounts != NULL ? sr_accounts_find (self->accounts, self->account_id) : NULL;
  if (key == NULL || account == NULL)
    {
      g_autofree char *notice = NULL;

      set_opening (self, FALSE);
      if (error != NULL)
        {
          g_debug ("Keyring lookup failed: %s", error->message);
          notice = g_strdup_printf (_("Your keyring could not be read (%s). The key will be asked for each time."),
                                    error->message);
        }
      else if (account != NULL)
        /* Translators: %s is an account's name */
        notice = g_strdup_printf (_("The key of “%s” is not in your keyring any more. Sign in to open its reports again."),
                                  sr_account_get_label (account));
      sr_credentials_free_key (key);
      show_sign_in (self, notice);
      return;
    }

  wipe_key (&self->api_key);
  self->api_key = g_strdup (key);
  sr_credentials_free_key (key);

  open_account (self);
}

/* Closes whatever is open and opens account: its key from the keyring,
 * then its reports file. */
static void
open_stored_account (SrWindow        *self,
                     const SrAccount *account)
{
  set_account_id (self, sr_account_get_id (account));

  g_free (self->api_url);
  self->api_url = g_strdup (sr_account_get_api_url (account));
  g_free (self->auth_url);
  self->auth_url = g_strdup (sr_account_get_auth_url (account));
  wipe_key (&self->api_key);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  /* Nothing of the account that was open stays on screen. */
  set_session (self, NULL);
  gtk_label_set_label (self->balance_label, "—");
  gtk_label_set_label (self->sync_status_label, _("Opening your saved reports…"));
  set_opening (self, TRUE);
  gtk_stack_set_visible_child_name (self->main_stack, "reports");

  sr_credentials_lookup_account_async (sr_account_get_id (account), self->cancellable,
                                       account_key_cb, g_object_ref (self));
}

static void
accounts_loaded_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(SrWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SrAccounts) accounts = NULL;
  const SrAccount *current;

  accounts = sr_accounts_load_finish (result, &error);
  if (accounts == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_problem (self, error);
      return;
    }

  if (self->accounts != NULL)
    g_signal_handlers_disconnect_by_data (self->accounts, self);
  g_set_object (&self->accounts, accounts);
  g_signal_connect_object (self->accounts, "changed",
                           G_CALLBACK (update_account_switcher), self, G_CONNECT_SWAPPED);
  update_account_switcher (self);

  current = sr_accounts_get_current (self->accounts);
  if (current == NULL)
    show_sign_in (self, NULL);
  else
    open_stored_account (self, current);
}

void
sr_window_switch_account (SrWindow   *self,
                          const char *account_id)
{
  const SrAccount *account;

  g_return_if_fail (SR_IS_WINDOW (self));

  if (self->accounts == NULL || g_strcmp0 (account_id, self->account_id) == 0)
    return;
  account = sr_accounts_find (self->accounts, account_id);
  if (account == NULL)
    return;

  /* What was waiting to be shown belonged to the other account. */
  g_clear_pointer (&self->pending_message_id, g_free);
  g_clear_pointer (&self->pending_search, g_free);
  withdraw_notifications (self);

  sr_accounts_set_current (self->accounts, account_id);
  save_accounts (self);
  open_stored_account (self, account);
}

gboolean
sr_window_rename_account (SrWindow    *self,
                          const char  *account_id,
                          const char  *label,
                          GError     **error)
{
  g_return_val_if_fail (SR_IS_WINDOW (self), FALSE);

  if (self->accounts == NULL)
    {
      g_set_error_literal (error, SR_ACCOUNTS_ERROR, SR_ACCOUNTS_ERROR_NOT_FOUND,
                           _("There is no such account"));
      return FALSE;
    }
  if (!sr_accounts_rename (self->accounts, account_id, label, error))
    return FALSE;
  save_accounts (self);
  return TRUE;
}

SrAccounts *
sr_window_get_accounts (SrWindow *self)
{
  g_return_val_if_fail (SR_IS_WINDOW (self), NULL);

  return self->accounts;
}

const char *
sr_window_get_account_id (SrWindow *self)
{
  g_return_val_if_fail (SR_IS_WINDOW (self), NULL);

  return self->account_id;
}

static void
add_account_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  SrWindow *self = SR_WINDOW (widget);
  g_autofree char *api_url = NULL;
  g_autofree char *auth_url = NULL;
  const char *page = gtk_stack_get_visible_child_name (self->main_stack);

  if (self->accounts == NULL)
    return;

  if (g_strcmp0 (page, "sign-in") != 0)
    {
      g_free (self->return_to);
      self->return_to = g_strdup (page);
    }

  /* A new account starts from the saved addresses, not the open one's. */
  api_url = g_settings_get_string (self->settings, "api-url");
  auth_url = g_settings_get_string (self->settings, "auth-url");
  sr_sign_in_page_reset (ensure_sign_in_page (self));
  sr_sign_in_page_set_adding (ensure_sign_in_page (self), self->accounts);
  sr_sign_in_page_set_urls (ensure_sign_in_page (self),
                            *api_url != '\0' ? api_url : NULL, *auth_url != '\0' ? auth_url : NULL);
  gtk_stack_set_visible_child_name (self->main_stack, "sign-in");
  sr_sign_in_page_focus_key (ensure_sign_in_page (self));
}

static void
on_sign_in_cancelled_cb (SrWindow *self)
{
  g_assert (SR_IS_WINDOW (self));

  sr_sign_in_page_set_adding (ensure_sign_in_page (self), NULL);
  gtk_stack_set_visible_child_name (self->main_stack, self->return_to != NULL ? self->return_to : "reports");
  g_clear_pointer (&self->return_to, g_free);
}

/* --- handing the open account over (background refresh) --- */

struct _SrWindowKept
{
  SrSession          *session;
  SrCampaignNotifier *notifier;
  SrAccounts         *accounts;
  char               *account_id;
  char               *api_url;
  char               *auth_url;
  char               *api_key;      /* wiped on free */
  gboolean            key_from_env;
  gboolean            use_keyring;
  gboolean            urls_from_command_line;
};

void
sr_window_kept_free (SrWindowKept *kept)
{
  if (kept == NULL)
    return;

  g_clear_object (&kept->notifier);
  if (kept->session != NULL)
    sr_session_close (kept->session);
  g_clear_object (&kept->session);
  g_clear_object (&kept->accounts);
  g_free (kept->account_id);
  g_free (kept->api_url);
  g_free (kept->auth_url);
  wipe_key (&kept->api_key);
  g_free (kept);
}

SrSession *
sr_window_kept_get_session (SrWindowKept *kept)
{
  g_return_val_if_fail (kept != NULL, NULL);

  return kept->session;
}

SrCampaignNotifier *
sr_window_kept_get_notifier (SrWindowKept *kept)
{
  g_return_val_if_fail (kept != NULL, NULL);

  return kept->notifier;
}

/* The open account leaves the window, still open: its session (with the
 * refresh timer and any sync running), its notifier, which account it is
 * and its key. The window is left without an account, to be destroyed.
 * NULL when no account is open (signing in, opening, a problem). */
SrWindowKept *
sr_window_keep_session (SrWindow *self)
{
  SrWindowKept *kept;

  g_return_val_if_fail (SR_IS_WINDOW (self), NULL);

  if (self->session == NULL)
    return NULL;

  g_cancellable_cancel (self->cancellable);
  kept = g_new0 (SrWindowKept, 1);
  kept->session = g_object_ref (self->session);
  kept->notifier = g_steal_pointer (&self->notifier);
  kept->accounts = self->accounts != NULL ? g_object_ref (self->accounts) : NULL;
  kept->account_id = g_strdup (self->account_id);
  kept->api_url = g_strdup (self->api_url);
  kept->auth_url = g_strdup (self->auth_url);
  kept->api_key = g_strdup (self->api_key);
  kept->key_from_env = self->key_from_env;
  kept->use_keyring = self->use_keyring;
  kept->urls_from_command_line = self->urls_from_command_line;

  drop_session (self, FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.sync", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.cancel-sync", FALSE);

  return kept;
}

/* A new window on an account kept open: no keyring, no opening, no sync
 * (the session's timer goes on); the page it was closed on. */
static void
adopt_kept (SrWindow     *self,
            SrWindowKept *kept)
{
  g_autoptr(SrSession) session = g_steal_pointer (&kept->session);
  g_autoptr(SrCampaignNotifier) notifier = g_steal_pointer (&kept->notifier);
  g_autofree char *last_page = NULL;

  g_free (self->api_url);
  self->api_url = g_steal_pointer (&kept->api_url);
  g_free (self->auth_url);
  self->auth_url = g_steal_pointer (&kept->auth_url);
  wipe_key (&self->api_key);
  self->api_key = g_steal_pointer (&kept->api_key);
  self->key_from_env = kept->key_from_env;
  self->use_keyring = kept->use_keyring;
  self->urls_from_command_line = kept->urls_from_command_line;
  g_free (self->cache_path);
  self->cache_path = g_strdup (sr_session_get_cache_path (session));

  if (kept->accounts != NULL)
    {
      g_set_object (&self->accounts, kept->accounts);
      g_signal_connect_object (self->accounts, "changed",
                               G_CALLBACK (update_account_switcher), self, G_CONNECT_SWAPPED);
    }
  set_account_id (self, kept->account_id);
  update_account_switcher (self);
  sr_window_kept_free (kept);

  set_session_full (self, session, notifier);
  last_page = g_settings_get_string (self->settings, "last-page");
  sr_window_show_content_page (self, last_page);
  gtk_stack_set_visible_child_name (self->main_stack, "reports");
}

static void
start (SrWindow *self)
{
  if (self->api_key != NULL)
    {
      open_account (self);
      return;
    }

  if (!self->use_keyring)
    {
      show_sign_in (self, NULL);
      return;
    }

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  gtk_stack_set_visible_child_name (self->main_stack, "loading");
  /* The key of an earlier release was kept for the saved server address:
   * it becomes the first account, with the same reports file. */
  sr_accounts_load_async (self->data_dir, self->api_url, self->auth_url, self->cancellable,
                          accounts_loaded_cb, g_object_ref (self));
}

static void
credentials_store_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(SrWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  /* Both stores complete the same kind of task. */
  if (!sr_credentials_store_account_finish (result, &error))
    {
      g_debug ("Storing the key failed: %s", error->message);
      add_toast (self, _("The key could not be saved in your keyring; you will need to sign in again next time"),
                 NULL, NULL);
    }
}

static void
on_signed_in_cb (SrWindow   *self,
                 const char *key,
                 const char *api_url,
                 const char *auth_url)
{
  g_assert (SR_IS_WINDOW (self));

  /* Addresses typed on the sign-in page become the saved ones, unless this
   * run was pointed elsewhere from the command line. */
  if (!self->urls_from_command_line)
    {
      g_autofree char *saved_api = g_settings_get_string (self->settings, "api-url");
      g_autofree char *saved_auth = g_settings_get_string (self->settings, "auth-url");

      if (g_strcmp0 (saved_api, api_url) != 0)
        g_settings_set_string (self->settings, "api-url", api_url);
      if (g_strcmp0 (saved_auth, auth_url) != 0)
        g_settings_set_string (self->settings, "auth-url", auth_url);
    }

  /* Which account the key is for: a new one (Add Account, or the first),
   * or the one open, signing in again after its key was refused. */
  if (self->accounts != NULL)
    {
      g_autoptr(GError) error = NULL;
      const SrAccount *account = NULL;
      gboolean adding = sr_sign_in_page_get_adding (ensure_sign_in_page (self));

      if (!adding)
        account = sr_accounts_find (self->accounts, self->account_id);
      if (account != NULL)
        {
          if (!sr_accounts_set_key (self->accounts, sr_account_get_id (account), key, &error))
            account = NULL;
        }
      else
        {
          g_autofree char *label = adding ? sr_sign_in_page_dup_label (ensure_sign_in_page (self))
                                          : sr_accounts_dup_new_label (self->accounts, api_url);

          account = sr_accounts_add (self->accounts, label, api_url, auth_url, key, &error);
        }
      if (account == NULL)
        {
          sr_sign_in_page_show_error (ensure_sign_in_page (self), error);
          return;
        }

      if (g_strcmp0 (self->account_id, sr_account_get_id (account)) != 0)
        {
          g_clear_pointer (&self->pending_message_id, g_free);
          g_clear_pointer (&self->pending_search, g_free);
          withdraw_notifications (self);
        }
      sr_sign_in_page_set_adding (ensure_sign_in_page (self), NULL);
      g_clear_pointer (&self->return_to, g_free);
      sr_accounts_set_current (self->accounts, sr_account_get_id (account));
      set_account_id (self, sr_account_get_id (account));
      save_accounts (self);
    }

  g_free (self->api_url);
  self->api_url = g_strdup (api_url);
  g_free (self->auth_url);
  self->auth_url = g_strdup (auth_url);

  wipe_key (&self->api_key);
  self->api_key = g_strdup (key);
  self->key_from_env = FALSE;

  set_session (self, NULL);

  if (self->use_keyring && self->accounts != NULL)
    sr_credentials_store_account_async (self->account_id, self->api_url, self->api_key, NULL,
                                        credentials_store_cb, g_object_ref (self));
  else if (self->use_keyring)
    sr_credentials_store_async (self->api_url, self->api_key, NULL,
                                credentials_store_cb, g_object_ref (self));

  open_account (self);
}

/* --- sign out --- */

static void
delete_files_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  GError *error = NULL;

  if (sr_cache_delete_files (task_data, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
delete_files_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(SrWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    g_warning ("%s", error->message);

  g_assert (self->n_deleting > 0);
  self->n_deleting--;
  if (self->n_deleting == 0 && self->open_waits_for_delete)
    {
      self->open_waits_for_delete = FALSE;
      if (self->api_key != NULL && !g_cancellable_is_cancelled (self->cancellable))
        sr_session_open_async (self->api_url, self->auth_url, self->api_key, self->data_dir,
                               self->cancellable, session_open_cb, g_object_ref (self));
    }
}

/* The session using the file is closed (its writer stopped) before this.
 * Unlinking a large file is file-system work: on a worker. */
static void
remove_cache_files (SrWindow   *self,
                    const char *path)
{
  g_autoptr(GTask) task = g_task_new (NULL, NULL, delete_files_cb, g_object_ref (self));

  self->n_deleting++;
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread (task, delete_files_thread);
}

static void
credentials_clear_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* Both clears complete the same kind of task. */
  if (!sr_credentials_clear_account_finish (result, &error))
    g_debug ("Removing the key from the keyring failed: %s", error->message);
}

void
sr_window_remove_account (SrWindow   *self,
                          const char *account_id,
                          gboolean    delete_reports)
{
  g_autofree char *id = g_strdup (account_id);
  g_autofree char *label = NULL;
  g_autofree char *path = NULL;
  g_autofree char *title = NULL;
  const SrAccount *account;
  const SrAccount *next;
  gboolean was_open;
  gboolean shared;

  g_return_if_fail (SR_IS_WINDOW (self));

  if (self->accounts == NULL || (account = sr_accounts_find (self->accounts, id)) == NULL)
    return;

  label = g_strdup (sr_account_get_label (account));
  path = sr_accounts_dup_cache_path (self->accounts, account);
  shared = sr_accounts_file_is_shared (self->accounts, account);
  was_open = g_strcmp0 (id, self->account_id) == 0;

  if (was_open)
    {
      withdraw_notifications (self);
      g_clear_pointer (&self->pending_message_id, g_free);
      g_clear_pointer (&self->pending_search, g_free);
      g_cancellable_cancel (self->cancellable);
      /* Closed (its writer stopped) before its files go. */
      set_session (self, NULL);
      wipe_key (&self->api_key);
      set_account_id (self, NULL);
    }

  if (delete_reports && !shared)
    remove_cache_files (self, path);
  sr_credentials_clear_account_async (id, NULL, credentials_clear_cb, NULL);
  sr_accounts_remove (self->accounts, id);
  save_accounts (self);

  title = delete_reports
          /* Translators: %s is an account's name */
          ? g_strdup_printf (_("Removed “%s” and deleted its reports"), label)
          /* Translators: %s is an account's name */
          : g_strdup_printf (_("Removed “%s”; its reports were kept"), label);

  if (was_open)
    {
      next = sr_accounts_get_current (self->accounts);
      if (next != NULL)
        open_stored_account (self, next);
      else
        show_sign_in (self, NULL);
    }
  add_toast (self, title, NULL, NULL);
}

void
sr_window_sign_out (SrWindow *self,
                    gboolean  delete_reports)
{
  g_autofree char *path = NULL;

  g_return_if_fail (SR_IS_WINDOW (self));

  /* Signing out of an account is removing it from this computer. */
  if (self->accounts != NULL && self->account_id != NULL)
    {
      sr_window_remove_account (self, self->account_id, delete_reports);
      return;
    }

  if (self->session != NULL)
    path = g_strdup (sr_session_get_cache_path (self->session));
  else
    path = g_strdup (self->cache_path);

  g_cancellable_cancel (self->cancellable);
  set_session (self, NULL);

  if (delete_reports && path != NULL)
    remove_cache_files (self, path);

  if (self->use_keyring && !self->key_from_env)
    sr_credentials_clear_async (self->api_url, NULL, credentials_clear_cb, NULL);

  wipe_key (&self->api_key);
  self->key_from_env = FALSE;

  show_sign_in (self, NULL);
  add_toast (self,
             delete_reports ? _("Signed out and deleted the downloaded reports") : _("Signed out"),
             NULL, NULL);
}

static void
on_sign_out_response_cb (SrWindow   *self,
                         const char *response)
{
  g_assert (SR_IS_WINDOW (self));

  if (g_strcmp0 (response, "keep") == 0)
    sr_window_sign_out (self, FALSE);
  else if (g_strcmp0 (response, "delete") == 0)
    sr_window_sign_out (self, TRUE);
}

AdwAlertDialog *
sr_window_new_keep_reports_question (const char *heading,
                                     const char *body,
                                     const char *delete_label,
                                     const char *keep_label)
{
  AdwAlertDialog *dialog = ADW_ALERT_DIALOG (adw_alert_dialog_new (heading, body));

  adw_alert_dialog_add_responses (dialog,
                                  "cancel", _("_Cancel"),
                                  "delete", delete_label,
                                  "keep", keep_label,
                                  NULL);
  /* Three long labels do not fit side by side on a phone; stacked they do. */
  adw_alert_dialog_set_prefer_wide_layout (dialog, FALSE);
  adw_alert_dialog_set_response_appearance (dialog, "delete", ADW_RESPONSE_DESTRUCTIVE);
  adw_alert_dialog_set_response_appearance (dialog, "keep", ADW_RESPONSE_SUGGESTED);
  adw_alert_dialog_set_default_response (dialog, "keep");
  adw_alert_dialog_set_close_response (dialog, "cancel");
  return dialog;
}

static void
sign_out_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  SrWindow *self = SR_WINDOW (widget);
  AdwAlertDialog *dialog;
  const SrAccount *account = self->accounts != NULL ? sr_accounts_find (self->accounts, self->account_id) : NULL;
  g_autofree char *heading = NULL;

  if (account != NULL)
    /* Translators: %s is an account's name */
    heading = g_strdup_printf (_("Sign Out of “%s”?"), sr_account_get_label (account));
  dialog = sr_window_new_keep_reports_question (heading != NULL ? heading : _("Sign Out?"),
                                                _("The API key will be removed from this computer. "
                                                  "The reports downloaded so far can be kept, to be shown again when you sign in with the same key, or deleted."),
                                                _("Sign Out and _Delete Reports"),
                                                _("_Sign Out"));
  g_signal_connect_object (dialog, "response",
                           G_CALLBACK (on_sign_out_response_cb),
                           self, G_CONNECT_SWAPPED);
  adw_dialog_present (ADW_DIALOG (dialog), GTK_WIDGET (self));
}

static void
sign_in_again_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  SrWindow *self = SR_WINDOW (widget);

  show_sign_in (self, _("SMS.to refused the saved API key. Sign in with a valid key to sync again."));
  /* The cached reports are still open behind the page: Cancel goes back
   * to them (or, from the switcher, to another account). */
  if (self->session != NULL)
    {
      g_free (self->return_to);
      self->return_to = g_strdup ("reports");
      sr_sign_in_page_set_can_cancel (ensure_sign_in_page (self), TRUE);
    }
}

/* --- a damaged cache --- */

static void
move_aside_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  GError *error = NULL;
  char *moved_to = sr_cache_move_files_aside (task_data, &error);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, moved_to, g_free);
}

static void
move_aside_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(SrWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *moved_to = g_task_propagate_pointer (G_TASK (result), &error);

  self->moving_aside = FALSE;
  if (error != NULL)
    {
      /* Translators: %s is the technical reason */
      g_autofree char *title = g_strdup_printf (_("The file could not be moved: %s"), error->message);
      add_toast (self, title, NULL, NULL);
      return;
    }

  if (moved_to != NULL)
    {
      g_autofree char *basename = g_path_get_basename (moved_to);
      /* Translators: %s is a file name */
      g_autofree char *title = g_strdup_printf (_("The damaged file was kept as “%s”"), basename);
      add_toast (self, title, NULL, NULL);
    }

  if (self->api_key != NULL)
    open_account (self);
}

/* Renames on a worker (file-system work), then opens a fresh file. */
static void
move_cache_aside_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  SrWindow *self = SR_WINDOW (widget);
  g_autoptr(GTask) task = NULL;

  if (self->cache_path == NULL || self->moving_aside)
    return;

  self->moving_aside = TRUE;
  task = g_task_new (NULL, NULL, move_aside_cb, g_object_ref (self));
  g_task_set_task_data (task, g_strdup (self->cache_path), g_free);
  g_task_run_in_thread (task, move_aside_thread);
}

static void
retry_open_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  SrWindow *self = SR_WINDOW (widget);

  if (self->api_key != NULL)
    open_account (self);
  else
    start (self);
}

/* --- other window actions --- */

static void
sync_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SrWindow *self = SR_WINDOW (widget);

  if (self->session != NULL)
    sr_session_sync (self->session, TRUE);
}

static void
cancel_sync_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  SrWindow *self = SR_WINDOW (widget);

  if (self->session != NULL)
    sr_session_cancel_sync (self->session);
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  SrWindow *self = SR_WINDOW (widget);
  const char *page;

  if (self->session == NULL)
    return;

  page = gtk_stack_get_visible_child_name (self->content_stack);
  if (g_strcmp0 (page, "campaigns") == 0)
    sr_campaigns_page_focus_search (ensure_campaigns_page (self));
  else
    {
      sr_window_show_content_page (self, "messages");
      sr_messages_page_focus_search (ensure_messages_page (self));
    }
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  SrWindow *self = SR_WINDOW (widget);
  const char *page;

  if (self->session == NULL)
    return;

  page = gtk_stack_get_visible_child_name (self->content_stack);
  if (g_strcmp0 (page, "campaigns") == 0)
    sr_campaigns_page_export (ensure_campaigns_page (self), NULL);
  else if (g_strcmp0 (page, "messages") == 0)
    sr_messages_page_export (ensure_messages_page (self), NULL);
}

/* --- F6: between the sidebar, the page's bar and the page's content --- */

/* The regions F6 moves between, in order, as GNOME apps have them. */
typedef enum {
  REGION_NONE = -1,
  REGION_SIDEBAR,
  REGION_BAR,        /* the page's first controls: its filter bar, its period */
  REGION_CONTENT,    /* the page's list, or the Dashboard's cards */
  N_REGIONS
} Region;

/* The page's content: its list (the column view, or the list view of a
 * narrow window), else the first flow box (the Dashboard's cards). */
static GtkWidget *
find_content (GtkWidget *widget,
              gboolean   lists)
{
  if (!gtk_widget_get_mapped (widget))
    return NULL;
  if (lists ? (GTK_IS_COLUMN_VIEW (widget) || GTK_IS_LIST_VIEW (widget)) : GTK_IS_FLOW_BOX (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_content (child, lists);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
get_content_region (SrWindow *self)
{
  GtkWidget *page = gtk_stack_get_visible_child (self->content_stack);
  GtkWidget *content;

  if (page == NULL)
    return NULL;
  content = find_content (page, TRUE);
  return content != NULL ? content : find_content (page, FALSE);
}

static gboolean
focus_is_in (GtkWidget *focus,
             GtkWidget *widget)
{
  return focus != NULL && widget != NULL && (focus == widget || gtk_widget_is_ancestor (focus, widget));
}

static Region
get_focus_region (SrWindow *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

  if (focus_is_in (focus, GTK_WIDGET (self->sidebar_list)))
    return REGION_SIDEBAR;
  if (focus_is_in (focus, get_content_region (self)))
    return REGION_CONTENT;
  if (focus_is_in (focus, gtk_stack_get_visible_child (self->content_stack)))
    return REGION_BAR;
  return REGION_NONE;
}

static gboolean
focus_region (SrWindow *self,
              Region    region)
{
  GtkWidget *page = gtk_stack_get_visible_child (self->content_stack);
  GtkWidget *content = get_content_region (self);

  switch (region)
    {
    case REGION_SIDEBAR:
      /* Hidden in a narrow window that shows the page. */
      if (!gtk_widget_get_mapped (GTK_WIDGET (self->sidebar_list)))
        return FALSE;
      if (gtk_list_box_get_selected_row (self->sidebar_list) != NULL)
        return gtk_widget_grab_focus (GTK_WIDGET (gtk_list_box_get_selected_row (self->sidebar_list)));
      return gtk_widget_child_focus (GTK_WIDGET (self->sidebar_list), GTK_DIR_TAB_FORWARD);

    case REGION_BAR:
      if (page == NULL || !gtk_widget_get_mapped (page))
        return FALSE;
      /* The page's first control, as Tab from outside would reach it. */
      gtk_root_set_focus (GTK_ROOT (self), NULL);
      return gtk_widget_child_focus (page, GTK_DIR_TAB_FORWARD);

    case REGION_CONTENT:
      if (content == NULL)
        return FALSE;
      /* A list gives the focus to its current row. */
      if (GTK_IS_COLUMN_VIEW (content) || GTK_IS_LIST_VIEW (content))
        return gtk_widget_grab_focus (content);
      gtk_root_set_focus (GTK_ROOT (self), NULL);
      return gtk_widget_child_focus (content, GTK_DIR_TAB_FORWARD);

    case REGION_NONE:
    case N_REGIONS:
    default:
      return FALSE;
    }
}

static void
show_page_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  SrWindow *self = SR_WINDOW (widget);

  GtkWidget *page;

  if (self->session == NULL)
    return;

  sr_window_show_content_page (self, g_variant_get_string (parameter, NULL));

  /* Alt+1/2/3 go to the page, not just show it: the focus moves to the
   * page's first control, so the next key works there (also when the
   * focus was already in the page). */
  page = gtk_stack_get_visible_child (self->content_stack);
  if (page != NULL && !focus_region (self, REGION_BAR))
    gtk_widget_grab_focus (page);
}

static void
cycle_focus_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  SrWindow *self = SR_WINDOW (widget);
  gboolean backward = g_variant_get_boolean (parameter);
  Region region = get_focus_region (self);

  if (!g_str_equal (gtk_stack_get_visible_child_name (self->main_stack), "reports"))
    return;

  /* From anywhere else (the header bar, a banner) forward starts at the
   * sidebar, backward at the content. */
  if (region == REGION_NONE)
    region = backward ? N_REGIONS : REGION_NONE;

  /* The next region that can take the focus; at most once round. */
  for (guint i = 0; i < N_REGIONS; i++)
    {
      region = backward ? (region + N_REGIONS - 1) % N_REGIONS : (region + 1) % N_REGIONS;
      if (focus_region (self, region))
        return;
    }
}

static void
show_sidebar_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  SrWindow *self = SR_WINDOW (widget);

  adw_navigation_split_view_set_show_content (self->split_view, FALSE);
}

static void
on_show_in_log_cb (SrWindow         *self,
                   const char       *campaign_id,
                   const char       *label,
                   SrCampaignWindow *campaign_window)
{
  g_assert (SR_IS_WINDOW (self));

  sr_messages_page_show_campaign (ensure_messages_page (self), campaign_id, label);
  sr_window_show_content_page (self, "messages");
  gtk_window_present (GTK_WINDOW (self));
}

static void
on_campaign_window_destroy_cb (SrWindow         *self,
                               SrCampaignWindow *campaign_window)
{
  g_assert (SR_IS_WINDOW (self));

  g_hash_table_remove (self->campaign_windows, sr_campaign_window_get_campaign_id (campaign_window));
}

const char *
sr_window_get_sync_status_text (SrWindow *self)
{
  g_return_val_if_fail (SR_IS_WINDOW (self), NULL);

  return gtk_label_get_label (self->sync_status_label);
}

SrCampaignWindow *
sr_window_open_campaign (SrWindow   *self,
                         const char *campaign_id)
{
  GtkWidget *window;

  g_return_val_if_fail (SR_IS_WINDOW (self), NULL);
  g_return_val_if_fail (campaign_id != NULL, NULL);

  if (self->session == NULL)
    return NULL;

  window = g_hash_table_lookup (self->campaign_windows, campaign_id);
  if (window == NULL)
    {
      GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

      window = sr_campaign_window_new (self->session, campaign_id);
      if (app != NULL)
        gtk_window_set_application (GTK_WINDOW (window), app);

      g_hash_table_insert (self->campaign_windows, g_strdup (campaign_id), window);
      g_signal_connect_object (window, "show-in-log",
                               G_CALLBACK (on_show_in_log_cb),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (window, "destroy",
                               G_CALLBACK (on_campaign_window_destroy_cb),
                               self, G_CONNECT_SWAPPED);
    }

  gtk_window_present (GTK_WINDOW (window));

  return SR_CAMPAIGN_WINDOW (window);
}

static void
show_shortcuts_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  adw_dialog_present (ADW_DIALOG (sr_shortcuts_dialog_new ()), widget);
}

static void
show_campaign_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  sr_window_open_campaign (SR_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

/* --- GObject --- */

static gboolean
sr_window_close_request (GtkWindow *window)
{
  SrWindow *self = SR_WINDOW (window);
  int width, height;
  const char *page;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_delay (self->settings);
  if (!gtk_window_is_maximized (window) && width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));

  page = gtk_stack_get_visible_child_name (self->content_stack);
  if (self->session != NULL && page != NULL)
    g_settings_set_string (self->settings, "last-page", page);
  g_settings_apply (self->settings);

  return GTK_WINDOW_CLASS (sr_window_parent_class)->close_request (window);
}

static void
sr_window_constructed (GObject *object)
{
  SrWindow *self = SR_WINDOW (object);

  G_OBJECT_CLASS (sr_window_parent_class)->constructed (object);

  if (self->api_url != NULL || self->auth_url != NULL)
    self->urls_from_command_line = TRUE;
  if (self->api_url == NULL)
    self->api_url = g_settings_get_string (self->settings, "api-url");
  if (self->auth_url == NULL)
    self->auth_url = g_settings_get_string (self->settings, "auth-url");
  self->key_from_env = self->api_key != NULL;

  self->created_usec = g_get_monotonic_time ();
  g_debug ("Start-up: window created");
  if (self->adopt != NULL)
    adopt_kept (self, g_steal_pointer (&self->adopt));
  else
    start (self);
}

static void
sr_window_dispose (GObject *object)
{
  SrWindow *self = SR_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->clock_source, g_source_remove);
  g_clear_handle_id (&self->opening_slow_id, g_source_remove);
  if (self->painted_id != 0)
    {
      GdkFrameClock *frame_clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

      if (frame_clock != NULL)
        g_clear_signal_handler (&self->painted_id, frame_clock);
      self->painted_id = 0;
    }

  if (self->campaign_windows != NULL)
    set_session (self, NULL);
  /* The bins own the pages and go with the template. */
  self->sign_in_page = NULL;
  self->dashboard_page = NULL;
  self->messages_page = NULL;
  self->campaigns_page = NULL;
  if (self->accounts != NULL)
    g_signal_handlers_disconnect_by_data (self->accounts, self);
  g_clear_object (&self->accounts);


  g_clear_object (&self->settings);

  G_OBJECT_CLASS (sr_window_parent_class)->dispose (object);
}

static void
sr_window_finalize (GObject *object)
{
  SrWindow *self = SR_WINDOW (object);

  g_clear_pointer (&self->campaign_windows, g_hash_table_unref);
  g_clear_pointer (&self->api_url, g_free);
  g_clear_pointer (&self->auth_url, g_free);
  g_clear_pointer (&self->data_dir, g_free);
  g_clear_pointer (&self->cache_path, g_free);
  g_clear_pointer (&self->pending_message_id, g_free);
  g_clear_pointer (&self->pending_search, g_free);
  g_clear_pointer (&self->account_id, g_free);
  g_clear_pointer (&self->return_to, g_free);
  g_clear_pointer (&self->account_display_name, g_free);
  wipe_key (&self->api_key);
  g_clear_pointer (&self->adopt, sr_window_kept_free);

  G_OBJECT_CLASS (sr_window_parent_class)->finalize (object);
}

static void
sr_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  SrWindow *self = SR_WINDOW (object);

  switch (prop_id)
    {
    case PROP_API_URL:
      self->api_url = g_value_dup_string (value);
      break;
    case PROP_AUTH_URL:
      self->auth_url = g_value_dup_string (value);
      break;
    case PROP_DATA_DIR:
      self->data_dir = g_value_dup_string (value);
      break;
    case PROP_API_KEY:
      self->api_key = g_value_dup_string (value);
      break;
    case PROP_USE_KEYRING:
      self->use_keyring = g_value_get_boolean (value);
      break;
    case PROP_ACCOUNT_ID:
      /* win.account, the switcher's menu */
      sr_window_switch_account (self, g_value_get_string (value));
      break;
    case PROP_KEPT:
      self->adopt = g_value_get_pointer (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sr_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  SrWindow *self = SR_WINDOW (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT_ID:
      /* "" while none: the property action's state cannot be NULL. */
      g_value_set_string (value, self->account_id != NULL ? self->account_id : "");
      break;
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sr_window_class_init (SrWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = sr_window_constructed;
  object_class->dispose = sr_window_dispose;
  object_class->finalize = sr_window_finalize;
  object_class->set_property = sr_window_set_property;
  object_class->get_property = sr_window_get_property;
  window_class->close_request = sr_window_close_request;

  properties[PROP_API_URL] =
    g_param_spec_string ("api-url", NULL, NULL, NULL,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_AUTH_URL] =
    g_param_spec_string ("auth-url", NULL, NULL, NULL,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DATA_DIR] =
    g_param_spec_string ("data-dir", NULL, NULL, NULL,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_API_KEY] =
    g_param_spec_string ("api-key", NULL, NULL, NULL,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_USE_KEYRING] =
    g_param_spec_boolean ("use-keyring", NULL, NULL, TRUE,
                          G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* The account open; setting it switches to another. */
  properties[PROP_ACCOUNT_ID] =
    g_param_spec_string ("account-id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* An SrWindowKept the window takes over (sr_window_new_for_kept()). */
  properties[PROP_KEPT] =
    g_param_spec_pointer ("kept", NULL, NULL,
                          G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* The open account's session; NULL while none is open. */
  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, SR_TYPE_SESSION,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);


  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/sr-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SrWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, sign_in_bin);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, problem_page);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, move_aside_button);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, split_view);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, sidebar_list);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, sidebar_title);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, account_button);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, account_label);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, account_currency_label);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, account_section);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, account_menu);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, primary_menu);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, primary_menu_button);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, dashboard_row);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, messages_row);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, campaigns_row);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, balance_label);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, sync_status_label);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, content);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, sync_button);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, sync_button_stack);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, sync_spinner);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, auth_banner);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, offline_banner);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, sync_progress);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, opening_cover);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, opening_slow_label);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, dashboard_bin);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, messages_bin);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, campaigns_bin);
  gtk_widget_class_bind_template_callback (widget_class, on_sidebar_row_activated_cb);

  gtk_widget_class_install_action (widget_class, "win.sync", NULL, sync_action);
  gtk_widget_class_install_action (widget_class, "win.cancel-sync", NULL, cancel_sync_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "win.show-page", "s", show_page_action);
  gtk_widget_class_install_action (widget_class, "win.show-sidebar", NULL, show_sidebar_action);
  gtk_widget_class_install_action (widget_class, "win.cycle-focus", "b", cycle_focus_action);
  gtk_widget_class_install_action (widget_class, "win.show-campaign", "s", show_campaign_action);
  gtk_widget_class_install_action (widget_class, "win.show-shortcuts", NULL, show_shortcuts_action);
  gtk_widget_class_install_action (widget_class, "win.sign-out", NULL, sign_out_action);
  gtk_widget_class_install_property_action (widget_class, "win.account", "account-id");
  gtk_widget_class_install_action (widget_class, "win.add-account", NULL, add_account_action);
  gtk_widget_class_install_action (widget_class, "win.sign-in-again", NULL, sign_in_again_action);
  gtk_widget_class_install_action (widget_class, "win.move-cache-aside", NULL, move_cache_aside_action);
  gtk_widget_class_install_action (widget_class, "win.retry-open", NULL, retry_open_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "win.sync", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "win.sync", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "win.export", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_question, GDK_CONTROL_MASK, "win.show-shortcuts", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1, GDK_ALT_MASK, "win.show-page", "s", "dashboard");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_2, GDK_ALT_MASK, "win.show-page", "s", "messages");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_3, GDK_ALT_MASK, "win.show-page", "s", "campaigns");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F6, 0, "win.cycle-focus", "b", FALSE);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F6, GDK_SHIFT_MASK, "win.cycle-focus", "b", TRUE);
}

/* A menu button's menu is made the first time it opens: a GtkPopoverMenu
 * builds a widget for every item, and the window's two menus cost about as
 * much as a tenth of its template before the first frame. */
static void
create_menu_popup_cb (GtkMenuButton *button,
                      gpointer       user_data)
{
  if (gtk_menu_button_get_menu_model (button) == NULL)
    gtk_menu_button_set_menu_model (button, G_MENU_MODEL (user_data));
}

static void
sr_window_init (SrWindow *self)
{
  int width, height;

  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_menu_button_set_create_popup_func (self->account_button, create_menu_popup_cb,
                                         self->account_menu, NULL);
  gtk_menu_button_set_create_popup_func (self->primary_menu_button, create_menu_popup_cb,
                                         self->primary_menu, NULL);

  /* Under the other banners, in the same toolbar view. */
  self->storage_banner = ADW_BANNER (adw_banner_new (""));
  adw_toolbar_view_add_top_bar (ADW_TOOLBAR_VIEW (gtk_widget_get_ancestor (GTK_WIDGET (self->offline_banner),
                                                                           ADW_TYPE_TOOLBAR_VIEW)),
                                GTK_WIDGET (self->storage_banner));

  self->use_keyring = TRUE;
  self->reported_mismatch = -1;
  self->campaign_windows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->settings = g_settings_new (APPLICATION_ID);

  width = g_settings_get_int (self->settings, "window-width");
  height = g_settings_get_int (self->settings, "window-height");
  gtk_window_set_default_size (GTK_WINDOW (self), MAX (width, 360), MAX (height, 294));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  if (g_str_has_suffix (APPLICATION_ID, ".Devel"))
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  g_signal_connect_object (self->content_stack, "notify::visible-child",
                           G_CALLBACK (update_content_title), self, G_CONNECT_SWAPPED);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.sync", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.cancel-sync", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.add-account", FALSE);

  self->clock_source = g_timeout_add_seconds (30, on_clock_cb, self);
}

SrWindow *
sr_window_new (GtkApplication *application,
               const char     *api_url,
               const char     *auth_url,
               const char     *data_dir,
               const char     *api_key)
{
  g_return_val_if_fail (!application || GTK_IS_APPLICATION (application), NULL);

  return g_object_new (SR_TYPE_WINDOW,
                       "application", application,
                       "api-url", api_url,
                       "auth-url", auth_url,
                       "data-dir", data_dir,
                       "api-key", api_key,
                       NULL);
}

/* Takes kept. */
SrWindow *
sr_window_new_for_kept (GtkApplication *application,
                        const char     *data_dir,
                        SrWindowKept   *kept)
{
  g_return_val_if_fail (!application || GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (kept != NULL && kept->session != NULL, NULL);

  return g_object_new (SR_TYPE_WINDOW,
                       "application", application,
                       "data-dir", data_dir,
                       "kept", kept,
                       NULL);
}

SrWindow *
sr_window_new_for_test (const char *api_url,
                        const char *auth_url,
                        const char *data_dir,
                        const char *api_key)
{
  return g_object_new (SR_TYPE_WINDOW,
                       "api-url", api_url,
                       "auth-url", auth_url,
                       "data-dir", data_dir,
                       "api-key", api_key,
                       "use-keyring", FALSE,
                       NULL);
}

SrWindow *
sr_window_new_with_accounts_for_test (const char *api_url,
                                      const char *data_dir)
{
  return g_object_new (SR_TYPE_WINDOW,
                       "api-url", api_url,
                       "auth-url", api_url,
                       "data-dir", data_dir,
                       NULL);
}

GtkMenuButton *
sr_window_get_account_button (SrWindow *self)
{
  g_return_val_if_fail (SR_IS_WINDOW (self), NULL);

  return self->account_button;
}

const char *
sr_window_get_account_switcher_text (SrWindow *self)
{
  g_return_val_if_fail (SR_IS_WINDOW (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->account_button)))
    return NULL;
  return self->account_display_name;
}

const char *
sr_window_get_visible_page (SrWindow *self)
{
  g_return_val_if_fail (SR_IS_WINDOW (self), NULL);

  /* The reports' chrome shown while the account's file opens. */
  if (self->session == NULL &&
      g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "reports") == 0)
    return "opening";
  return gtk_stack_get_visible_child_name (self->main_stack);
}

const char *
sr_window_get_content_page (SrWindow *self)
{
  g_return_val_if_fail (SR_IS_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->content_stack);
}

SrCampaignNotifier *
sr_window_get_campaign_notifier (SrWindow *self)
{
  g_return_val_if_fail (SR_IS_WINDOW (self), NULL);

  return self->notifier;
}

SrSession *
sr_window_get_session (SrWindow *self)
{
  g_return_val_if_fail (SR_IS_WINDOW (self), NULL);

  return self->session;
}

SrSignInPage *
sr_window_get_sign_in_page (SrWindow *self)
{
  g_return_val_if_fail (SR_IS_WINDOW (self), NULL);

  return ensure_sign_in_page (self);
}

SrDashboardPage *
sr_window_get_dashboard_page (SrWindow *self)
{
  g_return_val_if_fail (SR_IS_WINDOW (self), NULL);

  return ensure_dashboard_page (self);
}

SrMessagesPage *
sr_window_get_messages_page (SrWindow *self)
{
  g_return_val_if_fail (SR_IS_WINDOW (self), NULL);

  return ensure_messages_page (self);
}

SrCampaignsPage *
sr_window_get_campaigns_page (SrWindow *self)
{
  g_return_val_if_fail (SR_IS_WINDOW (self), NULL);

  return ensure_campaigns_page (self);
}

GtkWidget *
sr_window_get_opening_slow_label (SrWindow *self)
{
  g_return_val_if_fail (SR_IS_WINDOW (self), NULL);

  return self->opening_slow_label;
}

AdwBanner *
sr_window_get_storage_banner (SrWindow *self)
{
  g_return_val_if_fail (SR_IS_WINDOW (self), NULL);

  return self->storage_banner;
}

AdwBanner *
sr_window_get_offline_banner (SrWindow *self)
{
  g_return_val_if_fail (SR_IS_WINDOW (self), NULL);

  return self->offline_banner;
}

AdwBanner *
sr_window_get_auth_banner (SrWindow *self)
{
  g_return_val_if_fail (SR_IS_WINDOW (self), NULL);

  return self->auth_banner;
}

gboolean
sr_window_get_collapsed (SrWindow *self)
{
  g_return_val_if_fail (SR_IS_WINDOW (self), FALSE);

  return adw_navigation_split_view_get_collapsed (self->split_view);
}

const char *
sr_window_get_problem_title (SrWindow *self)
{
  g_return_val_if_fail (SR_IS_WINDOW (self), NULL);

  return adw_status_page_get_title (self->problem_page);
}

const char *
sr_window_get_problem_description (SrWindow *self)
{
  g_return_val_if_fail (SR_IS_WINDOW (self), NULL);

  return adw_status_page_get_description (self->problem_page);
}
