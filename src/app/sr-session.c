/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-session.c: one signed-in account. Owns the SrApiClient, the SrCache
 * and the SrSync; runs syncs (manual, first, and on the auto-refresh timer
 * from GSettings), pauses when GNetworkMonitor says the network is gone, and
 * turns sync errors into state the window shows (offline, refused key).
 * All slow work goes through the core's async API; nothing here blocks.
 */
#define G_LOG_DOMAIN "sr-session"

#include "config.h"

#include <glib/gi18n.h>

#include "sr-format.h"
#include "sr-session.h"

struct _SrSession
{
  GObject          parent_instance;

  SrApiClient     *client;             /* owned */
  SrCache         *cache;              /* owned */
  SrSync          *sync;               /* owned, created on first sync */
  GSettings       *settings;
  GNetworkMonitor *monitor;            /* unowned singleton */
  GCancellable    *sync_cancellable;
  GCancellable    *index_cancellable;
  GCancellable    *account_cancellable;
  SrCampaignIndex *campaign_index;     /* NULL until first loaded */
  SrMessageListHead *messages_head;    /* read with the opening, until taken */

  char            *currency;
  char            *progress_text;
  double           balance;
  double           progress;
  gint64           last_sync;
  guint            refresh_source;
  guint            wait_tick;          /* redraws a retry countdown */
  guint            clock_source;
  char            *synced_text;

  guint            syncing : 1;
  guint            user_requested : 1;
  guint            network_available : 1;
  guint            server_unreachable : 1;
  guint            auth_failed : 1;
  guint            loopback : 1;
  guint            closed : 1;
  guint            index_stale : 1;
};

G_DEFINE_FINAL_TYPE (SrSession, sr_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_BALANCE,
  PROP_CURRENCY,
  PROP_LAST_SYNC,
  PROP_SYNCING,
  PROP_PROGRESS,
  PROP_PROGRESS_TEXT,
  PROP_OFFLINE,
  PROP_AUTH_FAILED,
  PROP_CAMPAIGN_INDEX,
  PROP_SYNCED_TEXT,
  N_PROPS
};

enum {
  SYNC_FINISHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void schedule_refresh (SrSession *self);
static void reload_campaign_index (SrSession *self);

char *
sr_session_build_cache_path (const char *api_url,
                             const char *api_key,
                             const char *data_dir)
{
  g_return_val_if_fail (api_url != NULL, NULL);
  g_return_val_if_fail (api_key != NULL, NULL);

  return sr_cache_dup_account_path (data_dir, api_url, api_key);
}

static void
set_offline_state (SrSession *self,
                   gboolean   network_available,
                   gboolean   server_unreachable)
{
  gboolean was_offline = sr_session_get_offline (self);

  self->network_available = !!network_available;
  self->server_unreachable = !!server_unreachable;

  if (was_offline != sr_session_get_offline (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OFFLINE]);
}

static void
set_auth_failed (SrSession *self,
                 gboolean   auth_failed)
{
  auth_failed = !!auth_failed;
  if (self->auth_failed == auth_failed)
    return;

  self->auth_failed = auth_failed;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AUTH_FAILED]);
}

static void
set_progress (SrSession  *self,
              double      progress,
              const char *text)
{
  if (self->progress != progress)
    {
      self->progress = progress;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
    }

  if (g_strcmp0 (self->progress_text, text) != 0)
    {
      g_free (self->progress_text);
      self->progress_text = g_strdup (text);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS_TEXT]);
    }
}

static void
set_syncing (SrSession *self,
             gboolean   syncing)
{
  syncing = !!syncing;
  if (self->syncing == syncing)
    return;

  self->syncing = syncing;
  if (!syncing && self->index_stale)
    {
      self->index_stale = FALSE;
      reload_campaign_index (self);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNCING]);
}

/* "Synced 3 minutes ago": computed here once per tick, so every place that
 * shows it (sidebar, Dashboard) says the same at the same moment. */
static void
update_synced_text (SrSession *self)
{
  g_autofree char *text = NULL;

  if (self->last_sync == SR_TIME_NONE)
    text = g_strdup (_("Not synced yet"));
  else
    {
      g_autofree char *when = sr_format_relative_time (self->last_sync, g_get_real_time ());
      /* Translators: when the reports were last synced, e.g. "Synced 3 minutes ago" */
      text = g_strdup_printf (_("Synced %s"), when);
    }

  if (g_strcmp0 (text, self->synced_text) == 0)
    return;

  g_free (self->synced_text);
  self->synced_text = g_steal_pointer (&text);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNCED_TEXT]);
}

static gboolean
on_clock_cb (gpointer user_data)
{
  update_synced_text (SR_SESSION (user_data));

  return G_SOURCE_CONTINUE;
}

static void
apply_account (SrSession  *self,
               double      balance,
               char      **currency,
               gint64      last_sync)
{
  g_object_freeze_notify (G_OBJECT (self));

  if (balance != self->balance)
    {
      self->balance = balance;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BALANCE]);
    }

  if (g_strcmp0 (*currency, self->currency) != 0)
    {
      g_free (self->currency);
      self->currency = g_steal_pointer (currency);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CURRENCY]);
    }

  if (last_sync != self->last_sync)
    {
      self->last_sync = last_sync;
      update_synced_text (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_SYNC]);
    }

  g_object_thaw_notify (G_OBJECT (self));
}

/* FALSE when the account is not to be applied: cancelled, closed, no row
 * yet, or an error (logged). */
static gboolean
finish_account_read (SrSession     *self,
                     GAsyncResult  *result,
                     double        *balance,
                     char         **currency,
                     gint64        *last_sync)
{
  g_autoptr(GError) error = NULL;

  if (!sr_cache_get_account_finish (self->cache, result, balance, currency, last_sync, &error))
    {
      if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && !self->closed)
        g_warning ("Cannot read the account: %s", error->message);
      return FALSE;
    }

  return !self->closed;
}

static void
account_read_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(SrSession) self = user_data;
  g_autofree char *currency = NULL;
  double balance;
  gint64 last_sync;

  if (finish_account_read (self, result, &balance, &currency, &last_sync))
    apply_account (self, balance, &currency, last_sync);
}

/* The newest read wins: an older one still under way is cancelled. */
static void
reload_account (SrSession *self)
{
  if (self->cache == NULL || self->closed)
    return;

  g_cancellable_cancel (self->account_cancellable);
  g_clear_object (&self->account_cancellable);
  self->account_cancellable = g_cancellable_new ();
  sr_cache_get_account_async (self->cache, self->account_cancellable,
                              account_read_cb, g_object_ref (self));
}

static void
index_loaded_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(SrSession) self = user_data;
  g_autoptr(SrCampaignIndex) index = NULL;
  g_autoptr(GError) error = NULL;

  index = sr_campaign_index_load_finish (result, &error);
  if (index == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Could not index the campaigns: %s", error->message);
      return;
    }
  if (self->closed)
    return;

  g_clear_pointer (&self->campaign_index, sr_campaign_index_unref);
  self->campaign_index = g_steal_pointer (&index);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAMPAIGN_INDEX]);
}

/* Campaign names and per-campaign counts follow the cache. */
static void
reload_campaign_index (SrSession *self)
{
  if (self->cache == NULL || self->closed)
    return;

  g_cancellable_cancel (self->index_cancellable);
  g_clear_object (&self->index_cancellable);
  self->index_cancellable = g_cancellable_new ();
  sr_campaign_index_load_async (self->cache, self->index_cancellable,
                                index_loaded_cb, g_object_ref (self));
}

static void
on_cache_changed_cb (SrSession      *self,
                     SrCacheChanged  what)
{
  g_assert (SR_IS_SESSION (self));

  g_clear_pointer (&self->messages_head, sr_message_list_head_free);
  reload_account (self);
  /* During a sync, once at its end rather than at every commit. */
  if (what & (SR_CACHE_CHANGED_MESSAGES | SR_CACHE_CHANGED_CAMPAIGNS))
    {
      if (self->syncing)
        self->index_stale = TRUE;
      else
        reload_campaign_index (self);
    }
}

static void on_sync_progress_cb (SrSession *self);

static gboolean
on_wait_tick_cb (gpointer user_data)
{
  SrSession *self = user_data;

  on_sync_progress_cb (self);
  if (self->sync != NULL && sr_sync_get_wait (self->sync, NULL) > 0)
    return G_SOURCE_CONTINUE;
  self->wait_tick = 0;
  return G_SOURCE_REMOVE;
}

static void
on_sync_progress_cb (SrSession *self)
{
  g_autofree char *text = NULL;
  g_autofree char *wait = NULL;
  double fraction = -1;

  g_assert (SR_IS_SESSION (self));

  if (self->sync == NULL)
    return;

  wait = sr_sync_dup_wait_text (self->sync);
  if (wait != NULL)
    {
      if (self->wait_tick == 0)
        self->wait_tick = g_timeout_add_seconds (1, on_wait_tick_cb, self);
      set_progress (self, self->progress, wait);
      return;
    }

  switch (sr_sync_get_phase (self->sync))
    {
    case SR_SYNC_PHASE_ACCOUNT:
      text = g_strdup (_("Checking account…"));
      break;

    case SR_SYNC_PHASE_CAMPAIGNS:
      text = g_strdup (_("Downloading campaigns…"));
      break;

    case SR_SYNC_PHASE_MESSAGES:
      {
        gint64 records = sr_sync_get_records (self->sync);
        gint64 expected = sr_sync_get_records_expected (self->sync);
        guint pages = sr_sync_get_pages_done (self->sync);
        guint pages_expected = sr_sync_get_pages_expected (self->sync);
        gint64 history_from = sr_sync_get_history_from (self->sync);

        if (history_from != SR_TIME_NONE && !sr_sync_get_history_complete (self->sync))
          {
            /* The history comes newest first: say how far back it goes. */
            text = sr_sync_dup_history_text (self->sync);
            fraction = sr_sync_get_history_fraction (self->sync);
          }
        else if (expected > 0)
          {
            g_autofree char *done_str = sr_format_count (MIN (records, expected));
            g_autofree char *expected_str = sr_format_count (expected);

            fraction = CLAMP ((double) records / (double) expected, 0.0, 1.0);
            /* Translators: sync progress, e.g. "Downloading messages… 1,000 of 50,000" */
            text = g_strdup_printf (_("Downloading messages… %s of %s"), done_str, expected_str);
          }
        else
          {
            if (pages_expected > 0)
              fraction = CLAMP ((double) pages / (double) pages_expected, 0.0, 1.0);
            text = g_strdup (_("Downloading messages…"));
          }
      }
      break;

    case SR_SYNC_PHASE_CHECK:
      fraction = 1.0;
      text = g_strdup (_("Checking downloaded reports…"));
      break;

    case SR_SYNC_PHASE_IDLE:
    default:
      text = g_strdup (_("Syncing…"));
      break;
    }

  set_progress (self, fraction, text);
}

static gboolean
error_is_unreachable (const GError *error)
{
  return g_error_matches (error, SR_API_ERROR, SR_API_ERROR_NETWORK) ||
         g_error_matches (error, SR_API_ERROR, SR_API_ERROR_TIMEOUT) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
}

typedef struct
{
  SrSession     *session;   /* owned */
  SrSyncSummary  summary;
  GError        *error;     /* owned, nullable */
  gboolean       user_requested;
} SyncEnd;

static void
sync_end_free (SyncEnd *end)
{
  g_clear_object (&end->session);
  g_clear_error (&end->error);
  g_free (end);
}

static void
sync_end_account_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  SyncEnd *end = user_data;
  SrSession *self = end->session;
  g_autofree char *currency = NULL;
  double balance;
  gint64 last_sync;

  if (finish_account_read (self, result, &balance, &currency, &last_sync))
    apply_account (self, balance, &currency, last_sync);

  if (!self->closed)
    {
      g_clear_handle_id (&self->wait_tick, g_source_remove);
      set_progress (self, -1, NULL);
      set_syncing (self, FALSE);

      g_signal_emit (self, signals[SYNC_FINISHED], 0,
                     end->error == NULL ? &end->summary : NULL,
                     end->error,
                     end->user_requested);
    }

  sync_end_free (end);
}

static void
sync_run_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(SrSession) self = user_data;
  g_autoptr(GError) error = NULL;
  SrSyncSummary summary = { 0 };
  gboolean user_requested;
  SyncEnd *end;

  sr_sync_run_finish (SR_SYNC (object), result, &summary, &error);

  g_clear_object (&self->sync_cancellable);
  user_requested = self->user_requested;
  self->user_requested = FALSE;

  if (self->closed)
    return;

  if (error == NULL)
    {
      g_debug ("Sync done: %u new, %u updated, %u pages in %.1f s",
               summary.n_new, summary.n_updated, summary.n_pages, summary.seconds);
      set_offline_state (self, self->network_available, FALSE);
      set_auth_failed (self, FALSE);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_debug ("Sync cancelled");
    }
  else if (g_error_matches (error, SR_API_ERROR, SR_API_ERROR_UNAUTHORIZED))
    {
      g_debug ("Sync refused: %s", error->message);
      set_offline_state (self, self->network_available, FALSE);
      set_auth_failed (self, TRUE);
    }
  else if (error_is_unreachable (error))
    {
      g_debug ("Server unreachable: %s", error->message);
      set_offline_state (self, self->network_available, TRUE);
    }
  else
    {
      g_debug ("Sync failed: %s", error->message);
      set_offline_state (self, self->network_available, FALSE);
    }

  /* Finished once the account the sync wrote is read: whoever hears
   * "sync-finished" sees its balance and time. */
  end = g_new0 (SyncEnd, 1);
  end->session = g_steal_pointer (&self);
  end->summary = summary;
  end->error = g_steal_pointer (&error);
  end->user_requested = user_requested;
  sr_cache_get_account_async (end->session->cache, NULL, sync_end_account_cb, end);
}

void
sr_session_sync (SrSession *self,
                 gboolean   user_requested)
{
  guint repoll_hours;

  g_return_if_fail (SR_IS_SESSION (self));

  /* Nothing could be saved; the window's banner says so. */
  if (self->closed || sr_cache_get_read_only (self->cache))
    return;

  if (self->syncing)
    {
      self->user_requested |= !!user_requested;
      return;
    }

  if (self->sync == NULL)
    {
      self->sync = sr_sync_new (self->client, self->cache);
      g_signal_connect_object (self->sync, "progress",
                               G_CALLBACK (on_sync_progress_cb),
                               self, G_CONNECT_SWAPPED);
    }

  repoll_hours = g_settings_get_uint (self->settings, "repoll-hours");
  sr_sync_set_repoll_window (self->sync, (gint64) repoll_hours * 3600 * G_USEC_PER_SEC);

  self->user_requested = !!user_requested;
  self->sync_cancellable = g_cancellable_new ();

  set_syncing (self, TRUE);
  set_progress (self, -1, _("Syncing…"));

  sr_sync_run_async (self->sync,
                     self->sync_cancellable,
                     sync_run_cb,
                     g_object_ref (self));

  /* The timer counts from the last sync, manual or not. */
  schedule_refresh (self);
}

void
sr_session_cancel_sync (SrSession *self)
{
  g_return_if_fail (SR_IS_SESSION (self));

  g_cancellable_cancel (self->sync_cancellable);
}

static gboolean
on_refresh_timeout_cb (gpointer user_data)
{
  SrSession *self = user_data;

  self->refresh_source = 0;

  if (!self->auth_failed && self->network_available)
    sr_session_sync (self, FALSE);
  else
    schedule_refresh (self);

  return G_SOURCE_REMOVE;
}

static void
schedule_refresh (SrSession *self)
{
  guint minutes;

  g_clear_handle_id (&self->refresh_source, g_source_remove);
  g_clear_handle_id (&self->clock_source, g_source_remove);

  if (self->closed)
    return;

  minutes = g_settings_get_uint (self->settings, "auto-refresh-minutes");
  if (minutes == 0)
    return;

  self->refresh_source = g_timeout_add_seconds_full (G_PRIORITY_LOW,
                                                     minutes * 60,
                                                     on_refresh_timeout_cb,
                                                     self, NULL);
}

static void
on_auto_refresh_changed_cb (SrSession *self)
{
  g_assert (SR_IS_SESSION (self));

  schedule_refresh (self);
}

static void
on_network_changed_cb (SrSession *self,
                       gboolean   available)
{
  gboolean was_offline;

  g_assert (SR_IS_SESSION (self));

  /* The sandbox and tests live on loopback, which is always reachable. */
  if (self->loopback)
    available = TRUE;

  if (available == self->network_available)
    return;

  was_offline = sr_session_get_offline (self);
  set_offline_state (self, available, self->server_unreachable);

  /* Back online: catch up now rather than at the next tick. */
  if (available && was_offline && !self->auth_failed)
    sr_session_sync (self, FALSE);
}

static void
sr_session_dispose (GObject *object)
{
  SrSession *self = SR_SESSION (object);

  sr_session_close (self);

  g_clear_handle_id (&self->wait_tick, g_source_remove);
  g_clear_pointer (&self->messages_head, sr_message_list_head_free);
  g_clear_object (&self->sync);
  g_clear_object (&self->client);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (sr_session_parent_class)->dispose (object);
}

static void
sr_session_finalize (GObject *object)
{
  SrSession *self = SR_SESSION (object);

  g_clear_object (&self->cache);
  g_clear_object (&self->index_cancellable);
  g_clear_object (&self->account_cancellable);
  g_clear_pointer (&self->campaign_index, sr_campaign_index_unref);
  g_clear_pointer (&self->synced_text, g_free);
  g_clear_pointer (&self->currency, g_free);
  g_clear_pointer (&self->progress_text, g_free);

  G_OBJECT_CLASS (sr_session_parent_class)->finalize (object);
}

static void
sr_session_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  SrSession *self = SR_SESSION (object);

  switch (prop_id)
    {
    case PROP_BALANCE:
      g_value_set_double (value, self->balance);
      break;
    case PROP_CURRENCY:
      g_value_set_string (value, self->currency);
      break;
    case PROP_LAST_SYNC:
      g_value_set_int64 (value, self->last_sync);
      break;
    case PROP_SYNCING:
      g_value_set_boolean (value, self->syncing);
      break;
    case PROP_PROGRESS:
      g_value_set_double (value, self->progress);
      break;
    case PROP_PROGRESS_TEXT:
      g_value_set_string (value, self->progress_text);
      break;
    case PROP_OFFLINE:
      g_value_set_boolean (value, sr_session_get_offline (self));
      break;
    case PROP_AUTH_FAILED:
      g_value_set_boolean (value, self->auth_failed);
      break;
    case PROP_CAMPAIGN_INDEX:
      g_value_set_boxed (value, self->campaign_index);
      break;
    case PROP_SYNCED_TEXT:
      g_value_set_string (value, self->synced_text);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sr_session_class_init (SrSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sr_session_dispose;
  object_class->finalize = sr_session_finalize;
  object_class->get_property = sr_session_get_property;

  properties[PROP_BALANCE] =
    g_param_spec_double ("balance", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, -1,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CURRENCY] =
    g_param_spec_string ("currency", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST_SYNC] =
    g_param_spec_int64 ("last-sync", NULL, NULL, G_MININT64, G_MAXINT64, SR_TIME_NONE,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SYNCING] =
    g_param_spec_boolean ("syncing", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROGRESS] =
    g_param_spec_double ("progress", NULL, NULL, -1, 1, -1,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROGRESS_TEXT] =
    g_param_spec_string ("progress-text", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_OFFLINE] =
    g_param_spec_boolean ("offline", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_AUTH_FAILED] =
    g_param_spec_boolean ("auth-failed", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAMPAIGN_INDEX] =
    g_param_spec_boxed ("campaign-index", NULL, NULL, SR_TYPE_CAMPAIGN_INDEX,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SYNCED_TEXT] =
    g_param_spec_string ("synced-text", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * SrSession::sync-finished:
   * @summary: (nullable): a SrSyncSummary on success
   * @error: (nullable): why the sync stopped
   * @user_requested: whether the user asked for this sync
   */
  signals[SYNC_FINISHED] =
    g_signal_new ("sync-finished",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3,
                  G_TYPE_POINTER,
                  G_TYPE_ERROR,
                  G_TYPE_BOOLEAN);
}

static void
sr_session_init (SrSession *self)
{
  self->balance = -1;
  self->progress = -1;
  self->network_available = TRUE;
}

typedef struct
{
  char        *path;
  SrApiClient *client;
  gboolean     loopback;        /* plain http to this machine: no TLS */
  SrCache     *cache;           /* once opened */
  gboolean     has_account;     /* the account row, read with the opening */
  double       balance;
  char        *currency;
  gint64       last_sync;
  SrMessageListHead *messages_head;
} OpenData;

static void
open_data_free (OpenData *data)
{
  g_clear_pointer (&data->path, g_free);
  g_clear_object (&data->client);
  g_clear_object (&data->cache);
  g_clear_pointer (&data->currency, g_free);
  g_clear_pointer (&data->messages_head, sr_message_list_head_free);
  g_free (data);
}

/* On the worker that opened the cache, while the main thread builds the
 * window, with no trip through the (busy) main thread in between:
 * - the account row, so a new session has its balance and currency at once;
 * - the Messages Log's first rows (60 records), so that the frame after the
 *   session arrives can show them (a read started from the main thread
 *   then lands one main-loop trip later, and a frame may come first);
 * - what the sync's first request, which starts as soon as the reports are
 *   shown, would otherwise load on the main thread just before the first
 *   frame: GIO's proxy resolver (libproxy, its plugins and their JavaScript
 *   engine: about 12 M instructions) and, for https, the TLS backend with
 *   the system's trust store. Both are process-wide singletons, made once
 *   and safe to make on any thread. */
static gboolean
prepare_on_open (SrCache       *cache,
                 gpointer       user_data,
                 GCancellable  *cancellable,
                 GError       **error)
{
  OpenData *data = user_data;
  g_autoptr(GError) local_error = NULL;

  data->has_account = sr_cache_get_account (cache, &data->balance, &data->currency,
                                            &data->last_sync, &local_error);
  if (local_error != NULL)
    g_warning ("Cannot read the account: %s", local_error->message);
  g_clear_error (&local_error);

  data->messages_head = sr_message_list_read_head (cache, NULL, cancellable, &local_error);
  if (data->messages_head == NULL)
    g_debug ("Cannot read the first messages ahead: %s", local_error->message);

  g_proxy_resolver_get_default ();
  if (!data->loopback)
    {
      g_autoptr(GTlsDatabase) database = g_tls_backend_get_default_database (g_tls_backend_get_default ());
    }

  return TRUE;
}

static void
cache_opened_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  OpenData *data = g_task_get_task_data (task);

  data->cache = sr_cache_open_finish (result, &error);
  if (data->cache == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_pointer (task, g_object_ref (data->cache), g_object_unref);
}

void
sr_session_open_async (const char          *api_url,
                       const char          *auth_url,
                       const char          *api_key,
                       const char          *data_dir,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  OpenData *data;
  SrApiClient *client;

  g_return_if_fail (api_key != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, sr_session_open_async);

  client = sr_api_client_new (api_url, auth_url, api_key, &error);
  if (client == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data = g_new0 (OpenData, 1);
  data->client = client;
  data->loopback = sr_api_url_is_loopback (sr_api_client_get_api_url (client));
  data->path = sr_session_build_cache_path (sr_api_client_get_api_url (client), api_key, data_dir);
  g_task_set_task_data (task, data, (GDestroyNotify) open_data_free);

  /* Opening migrates and runs a quick check: seconds on a big file. The
   * task keeps data (its task data) alive until the open is done. */
  sr_cache_open_async_full (data->path, prepare_on_open, data, cancellable,
                            cache_opened_cb, g_steal_pointer (&task));
}

SrSession *
sr_session_open_finish (GAsyncResult  *result,
                        GError       **error)
{
  g_autoptr(SrCache) cache = NULL;
  OpenData *data;
  SrSession *self;

  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sr_session_open_async, NULL);

  cache = g_task_propagate_pointer (G_TASK (result), error);
  if (cache == NULL)
    return NULL;

  data = g_task_get_task_data (G_TASK (result));

  self = g_object_new (SR_TYPE_SESSION, NULL);
  self->client = g_object_ref (data->client);
  self->cache = g_steal_pointer (&cache);
  self->settings = g_settings_new (APPLICATION_ID);
  self->loopback = sr_api_url_is_loopback (sr_api_client_get_api_url (self->client));

  g_signal_connect_object (self->cache, "changed",
                           G_CALLBACK (on_cache_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::auto-refresh-minutes",
                           G_CALLBACK (on_auto_refresh_changed_cb),
                           self, G_CONNECT_SWAPPED);

  self->monitor = g_network_monitor_get_default ();
  self->network_available = self->loopback || g_network_monitor_get_network_available (self->monitor);
  g_signal_connect_object (self->monitor, "network-changed",
                           G_CALLBACK (on_network_changed_cb),
                           self, G_CONNECT_SWAPPED);

  self->messages_head = g_steal_pointer (&data->messages_head);
  if (data->has_account)
    apply_account (self, data->balance, &data->currency, data->last_sync);
  update_synced_text (self);
  self->clock_source = g_timeout_add_seconds (30, on_clock_cb, self);
  reload_campaign_index (self);
  schedule_refresh (self);

  return self;
}

const char *
sr_session_get_synced_text (SrSession *self)
{
  g_return_val_if_fail (SR_IS_SESSION (self), NULL);

  return self->synced_text;
}

SrCampaignIndex *
sr_session_get_campaign_index (SrSession *self)
{
  g_return_val_if_fail (SR_IS_SESSION (self), NULL);

  return self->campaign_index;
}

SrMessageListHead *
sr_session_take_messages_head (SrSession *self)
{
  g_return_val_if_fail (SR_IS_SESSION (self), NULL);

  return g_steal_pointer (&self->messages_head);
}

SrCache *
sr_session_get_cache (SrSession *self)
{
  g_return_val_if_fail (SR_IS_SESSION (self), NULL);

  return self->cache;
}

SrApiClient *
sr_session_get_client (SrSession *self)
{
  g_return_val_if_fail (SR_IS_SESSION (self), NULL);

  return self->client;
}

const char *
sr_session_get_api_url (SrSession *self)
{
  g_return_val_if_fail (SR_IS_SESSION (self), NULL);

  return sr_api_client_get_api_url (self->client);
}

const char *
sr_session_get_cache_path (SrSession *self)
{
  g_return_val_if_fail (SR_IS_SESSION (self), NULL);

  return sr_cache_get_path (self->cache);
}

double
sr_session_get_balance (SrSession *self)
{
  g_return_val_if_fail (SR_IS_SESSION (self), -1);

  return self->balance;
}

const char *
sr_session_get_currency (SrSession *self)
{
  g_return_val_if_fail (SR_IS_SESSION (self), NULL);

  return self->currency;
}

gint64
sr_session_get_last_sync (SrSession *self)
{
  g_return_val_if_fail (SR_IS_SESSION (self), SR_TIME_NONE);

  return self->last_sync;
}

gboolean
sr_session_get_syncing (SrSession *self)
{
  g_return_val_if_fail (SR_IS_SESSION (self), FALSE);

  return self->syncing;
}

double
sr_session_get_progress (SrSession *self)
{
  g_return_val_if_fail (SR_IS_SESSION (self), -1);

  return self->progress;
}

const char *
sr_session_get_progress_text (SrSession *self)
{
  g_return_val_if_fail (SR_IS_SESSION (self), NULL);

  return self->progress_text;
}

gboolean
sr_session_get_offline (SrSession *self)
{
  g_return_val_if_fail (SR_IS_SESSION (self), FALSE);

  return !self->network_available || self->server_unreachable;
}

gboolean
sr_session_get_auth_failed (SrSession *self)
{
  g_return_val_if_fail (SR_IS_SESSION (self), FALSE);

  return self->auth_failed;
}

void
sr_session_close (SrSession *self)
{
  g_return_if_fail (SR_IS_SESSION (self));

  if (self->closed)
    return;

  self->closed = TRUE;

  g_cancellable_cancel (self->sync_cancellable);
  g_cancellable_cancel (self->index_cancellable);
  g_cancellable_cancel (self->account_cancellable);
  g_clear_handle_id (&self->refresh_source, g_source_remove);

  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->monitor, self);
  if (self->cache != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->cache, self);
      sr_cache_close (self->cache);
    }
}
