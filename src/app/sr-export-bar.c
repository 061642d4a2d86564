/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-export-bar.c: one export at a time for the page (or window) it sits
 * in. The file is chosen with GtkFileDialog, which is the file chooser
 * portal inside Flatpak, so the sandbox needs no file system
 * access. The CSV itself is written by the core (sr_export_*_async) on a
 * worker thread into a temporary file that only replaces the destination
 * once complete, so Cancel (or an error) leaves nothing behind.
 *
 * Outcomes go to the nearest AdwToastOverlay: "Exported 12,345 messages"
 * with "Open", "Export cancelled", or the reason it failed.
 */
#define G_LOG_DOMAIN "sr-export-bar"

#include "config.h"

#include <glib/gi18n.h>

#include "sr-export-bar.h"
#include "sr-format.h"

typedef enum {
  KIND_MESSAGES,
  KIND_CAMPAIGNS,
} Kind;

typedef struct
{
  Kind              kind;
  SrCache          *cache;
  SrMessageFilter  *message_filter;
  SrCampaignFilter *campaign_filter;
  int               sort;
  gboolean          descending;
} Request;

struct _SrExportBar
{
  AdwBin            parent_instance;

  GtkRevealer      *revealer;
  GtkLabel         *label;
  GtkProgressBar   *progress;
  GtkButton        *cancel_button;

  Request          *request;        /* owned: waiting for the file chooser or running */
  GCancellable     *chooser;        /* owned while the file dialog is open */
  GCancellable     *cancellable;
  GFile            *destination;
  guint             pulse_source;

  gint64            last_rows;
  GError           *last_error;
  char             *last_message;

  guint             running : 1;
  guint             disposed : 1;
};

G_DEFINE_FINAL_TYPE (SrExportBar, sr_export_bar, ADW_TYPE_BIN)

static void
request_free (Request *request)
{
  g_clear_object (&request->cache);
  g_clear_pointer (&request->message_filter, sr_message_filter_free);
  g_clear_pointer (&request->campaign_filter, sr_campaign_filter_free);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Request, request_free)

char *
sr_export_bar_dup_default_name (const char *prefix)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *date = g_date_time_format (now, "%Y-%m-%d");

  g_return_val_if_fail (prefix != NULL, NULL);

  /* Not translated: the name is a file name, and it sorts by date. */
  return g_strdup_printf ("%s-%s.csv", prefix, date);
}

/* --- the outcome --- */

static void
on_open_launched_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
#if GTK_CHECK_VERSION (4, 10, 0)
  g_autoptr(GError) error = NULL;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  if (!gtk_file_launcher_launch_finish (GTK_FILE_LAUNCHER (object), result, &error))
    g_debug ("Could not open the export: %s", error->message);
  G_GNUC_END_IGNORE_DEPRECATIONS
#endif
}

static void
on_open_clicked_cb (AdwToast *toast,
                    GFile    *file)
{
  GtkWindow *window = g_object_get_data (G_OBJECT (toast), "sr-window");

  g_autoptr(GtkFileLauncher) launcher = gtk_file_launcher_new (file);

  gtk_file_launcher_launch (launcher, window, NULL, on_open_launched_cb, NULL);
}

static void
add_toast (SrExportBar *self,
           const char  *title,
           GFile       *open_file)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  AdwToast *toast;

  g_free (self->last_message);
  self->last_message = g_strdup (title);

  if (overlay == NULL)
    return;

  toast = adw_toast_new (title);
  adw_toast_set_timeout (toast, open_file != NULL ? 8 : 6);
  if (open_file != NULL)
    {
      adw_toast_set_button_label (toast, _("_Open"));
      /* Unowned: toasts do not outlive their window. */
      g_object_set_data (G_OBJECT (toast), "sr-window", GTK_IS_WINDOW (root) ? root : NULL);
      g_signal_connect_data (toast, "button-clicked",
                             G_CALLBACK (on_open_clicked_cb),
                             g_object_ref (open_file), (GClosureNotify) g_object_unref,
                             0);
    }
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
}

static void
stop_pulsing (SrExportBar *self)
{
  g_clear_handle_id (&self->pulse_source, g_source_remove);
}

static void
finish (SrExportBar  *self,
        gint64        rows,
        GError       *error)
{
  Kind kind = self->request != NULL ? self->request->kind : KIND_MESSAGES;
  g_autofree char *title = NULL;
  g_autoptr(GFile) destination = g_steal_pointer (&self->destination);

  self->running = FALSE;
  stop_pulsing (self);
  g_clear_pointer (&self->request, request_free);
  g_clear_object (&self->cancellable);

  self->last_rows = rows;
  g_clear_error (&self->last_error);
  self->last_error = error;

  if (self->disposed)
    return;

  gtk_revealer_set_reveal_child (self->revealer, FALSE);

  if (error == NULL)
    {
      g_autofree char *count = sr_format_count (rows);

      if (kind == KIND_CAMPAIGNS)
        /* Translators: after an export, e.g. "Exported 24 campaigns" */
        title = g_strdup_printf (ngettext ("Exported %s campaign", "Exported %s campaigns", (gulong) rows), count);
      else
        /* Translators: after an export, e.g. "Exported 12,345 messages" */
        title = g_strdup_printf (ngettext ("Exported %s message", "Exported %s messages", (gulong) rows), count);
      add_toast (self, title, destination);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      add_toast (self, _("Export cancelled; no file was written"), NULL);
    }
  else
    {
      /* Translators: %s is the technical reason */
      title = g_strdup_printf (_("Could not export: %s"), error->message);
      add_toast (self, title, NULL);
    }
}

static void
on_export_done_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(SrExportBar) self = user_data;
  GError *error = NULL;
  gint64 rows;

  if (self->request != NULL && self->request->kind == KIND_CAMPAIGNS)
    rows = sr_export_campaigns_finish (SR_CACHE (object), result, &error);
  else
    rows = sr_export_messages_finish (SR_CACHE (object), result, &error);

  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Export failed: %s", error->message);

  finish (self, rows, error);
}

static void
on_export_progress_cb (gint64   rows_done,
                       gint64   rows_total,
                       gpointer user_data)
{
  SrExportBar *self = user_data;
  g_autofree char *done = NULL;
  g_autofree char *total = NULL;
  g_autofree char *text = NULL;

  if (self->disposed || !self->running)
    return;

  stop_pulsing (self);

  done = sr_format_count (rows_done);
  total = sr_format_count (rows_total);
  if (self->request != NULL && self->request->kind == KIND_CAMPAIGNS)
    /* Translators: export progress, e.g. "Exporting 10 of 24 campaigns…" */
    text = g_strdup_printf (ngettext ("Exporting %s of %s campaign…", "Exporting %s of %s campaigns…",
                                      (gulong) rows_total),
                            done, total);
  else
    /* Translators: export progress, e.g. "Exporting 12,000 of 1,000,000 messages…" */
    text = g_strdup_printf (ngettext ("Exporting %s of %s message…", "Exporting %s of %s messages…",
                                      (gulong) rows_total),
                            done, total);

  gtk_label_set_label (self->label, text);
  gtk_progress_bar_set_fraction (self->progress,
                                 rows_total > 0 ? CLAMP ((double) rows_done / (double) rows_total, 0.0, 1.0) : 1.0);
}

static gboolean
on_pulse_cb (gpointer user_data)
{
  SrExportBar *self = user_data;

  gtk_progress_bar_pulse (self->progress);

  return G_SOURCE_CONTINUE;
}

static void
start (SrExportBar *self,
       GFile       *destination)
{
  Request *request = self->request;

  g_assert (request != NULL);
  g_assert (!self->running);

  self->running = TRUE;
  g_set_object (&self->destination, destination);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  gtk_label_set_label (self->label, _("Preparing the export…"));
  gtk_progress_bar_set_fraction (self->progress, 0);
  stop_pulsing (self);
  self->pulse_source = g_timeout_add (150, on_pulse_cb, self);
  gtk_revealer_set_reveal_child (self->revealer, TRUE);

  if (request->kind == KIND_CAMPAIGNS)
    sr_export_campaigns_async (request->cache, request->campaign_filter,
                               (SrCampaignSort) request->sort, request->descending,
                               destination, SR_CSV_FLAGS_LOCAL_TIME, self->cancellable,
                               on_export_progress_cb, g_object_ref (self), g_object_unref,
                               on_export_done_cb, g_object_ref (self));
  else
    sr_export_messages_async (request->cache, request->message_filter,
                              (SrMessageSort) request->sort, request->descending,
                              destination, SR_CSV_FLAGS_LOCAL_TIME, self->cancellable,
                              on_export_progress_cb, g_object_ref (self), g_object_unref,
                              on_export_done_cb, g_object_ref (self));
}

/* --- choosing the file --- */

static void
on_file_chosen_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(SrExportBar) self = user_data;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;

  g_assert (SR_IS_EXPORT_BAR (self));

  file = gtk_file_dialog_save_finish (GTK_FILE_DIALOG (object), result, &error);
  if (error != NULL &&
      !g_error_matches (error, GTK_DIALOG_ERROR, GTK_DIALOG_ERROR_DISMISSED) &&
      !g_error_matches (error, GTK_DIALOG_ERROR, GTK_DIALOG_ERROR_CANCELLED))
    g_warning ("The file dialog failed: %s", error->message);

  if (self->disposed)
    return;

  g_clear_object (&self->chooser);

  if (file == NULL || self->request == NULL)
    {
      g_clear_pointer (&self->request, request_free);
      return;
    }

  start (self, file);
}

static void
choose_file (SrExportBar *self,
             const char  *default_name)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autoptr(GtkFileDialog) dialog = gtk_file_dialog_new ();
  g_autoptr(GListStore) filters = g_list_store_new (GTK_TYPE_FILE_FILTER);
  g_autoptr(GtkFileFilter) csv = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();
  const char *documents = g_get_user_special_dir (G_USER_DIRECTORY_DOCUMENTS);

  gtk_file_dialog_set_title (dialog,
                             self->request->kind == KIND_CAMPAIGNS
                               ? _("Export Campaigns")
                               : _("Export Messages"));
  gtk_file_dialog_set_accept_label (dialog, _("_Export"));
  gtk_file_dialog_set_modal (dialog, TRUE);

  gtk_file_filter_set_name (csv, _("CSV Files"));
  gtk_file_filter_add_mime_type (csv, "text/csv");
  gtk_file_filter_add_suffix (csv, "csv");
  g_list_store_append (filters, csv);
  gtk_file_filter_set_name (all, _("All Files"));
  gtk_file_filter_add_pattern (all, "*");
  g_list_store_append (filters, all);
  gtk_file_dialog_set_filters (dialog, G_LIST_MODEL (filters));
  gtk_file_dialog_set_default_filter (dialog, csv);

  if (documents != NULL && g_file_test (documents, G_FILE_TEST_IS_DIR))
    {
      g_autoptr(GFile) folder = g_file_new_for_path (documents);
      gtk_file_dialog_set_initial_folder (dialog, folder);
    }
  gtk_file_dialog_set_initial_name (dialog, default_name);

  self->chooser = g_cancellable_new ();
  gtk_file_dialog_save (dialog,
                        GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                        self->chooser,
                        on_file_chosen_cb,
                        g_object_ref (self));
}

static void
begin (SrExportBar *self,
       Request     *request,
       const char  *default_name,
       GFile       *destination)
{
  g_autoptr(Request) owned = request;

  if (self->running || self->chooser != NULL)
    {
      g_debug ("An export is already running");
      return;
    }

  g_clear_pointer (&self->request, request_free);
  self->request = g_steal_pointer (&owned);

  if (destination != NULL)
    start (self, destination);
  else
    choose_file (self, default_name);
}

void
sr_export_bar_export_messages (SrExportBar           *self,
                               SrCache               *cache,
                               const SrMessageFilter *filter,
                               SrMessageSort          sort,
                               gboolean               descending,
                               const char            *default_name,
                               GFile                 *destination)
{
  Request *request;

  g_return_if_fail (SR_IS_EXPORT_BAR (self));
  g_return_if_fail (SR_IS_CACHE (cache));
  g_return_if_fail (default_name != NULL || destination != NULL);

  request = g_new0 (Request, 1);
  request->kind = KIND_MESSAGES;
  request->cache = g_object_ref (cache);
  request->message_filter = filter != NULL ? sr_message_filter_copy (filter) : sr_message_filter_new ();
  request->sort = sort;
  request->descending = descending;

  begin (self, request, default_name, destination);
}

void
sr_export_bar_export_campaigns (SrExportBar            *self,
                                SrCache                *cache,
                                const SrCampaignFilter *filter,
                                SrCampaignSort          sort,
                                gboolean                descending,
                                const char             *default_name,
                                GFile                  *destination)
{
  Request *request;

  g_return_if_fail (SR_IS_EXPORT_BAR (self));
  g_return_if_fail (SR_IS_CACHE (cache));
  g_return_if_fail (default_name != NULL || destination != NULL);

  request = g_new0 (Request, 1);
  request->kind = KIND_CAMPAIGNS;
  request->cache = g_object_ref (cache);
  request->campaign_filter = filter != NULL ? sr_campaign_filter_copy (filter) : sr_campaign_filter_new ();
  request->sort = sort;
  request->descending = descending;

  begin (self, request, default_name, destination);
}

gboolean
sr_export_bar_get_running (SrExportBar *self)
{
  g_return_val_if_fail (SR_IS_EXPORT_BAR (self), FALSE);

  return self->running;
}

void
sr_export_bar_cancel (SrExportBar *self)
{
  g_return_if_fail (SR_IS_EXPORT_BAR (self));

  g_cancellable_cancel (self->cancellable);
}

static void
on_cancel_clicked_cb (SrExportBar *self)
{
  g_assert (SR_IS_EXPORT_BAR (self));

  gtk_label_set_label (self->label, _("Cancelling…"));
  sr_export_bar_cancel (self);
}

gint64
sr_export_bar_get_last_rows (SrExportBar *self)
{
  g_return_val_if_fail (SR_IS_EXPORT_BAR (self), -1);

  return self->last_rows;
}

const GError *
sr_export_bar_get_last_error (SrExportBar *self)
{
  g_return_val_if_fail (SR_IS_EXPORT_BAR (self), NULL);

  return self->last_error;
}

const char *
sr_export_bar_get_last_message (SrExportBar *self)
{
  g_return_val_if_fail (SR_IS_EXPORT_BAR (self), NULL);

  return self->last_message;
}

/* --- GObject --- */

static void
sr_export_bar_dispose (GObject *object)
{
  SrExportBar *self = SR_EXPORT_BAR (object);

  self->disposed = TRUE;
  g_cancellable_cancel (self->cancellable);
  stop_pulsing (self);

  if (self->chooser != NULL)
    {
      g_cancellable_cancel (self->chooser);
      g_clear_object (&self->chooser);
    }

  G_OBJECT_CLASS (sr_export_bar_parent_class)->dispose (object);
}

static void
sr_export_bar_finalize (GObject *object)
{
  SrExportBar *self = SR_EXPORT_BAR (object);

  g_clear_pointer (&self->request, request_free);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->destination);
  g_clear_error (&self->last_error);
  g_clear_pointer (&self->last_message, g_free);

  G_OBJECT_CLASS (sr_export_bar_parent_class)->finalize (object);
}

static void
sr_export_bar_class_init (SrExportBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sr_export_bar_dispose;
  object_class->finalize = sr_export_bar_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/sr-export-bar.ui");
  gtk_widget_class_bind_template_child (widget_class, SrExportBar, revealer);
  gtk_widget_class_bind_template_child (widget_class, SrExportBar, label);
  gtk_widget_class_bind_template_child (widget_class, SrExportBar, progress);
  gtk_widget_class_bind_template_child (widget_class, SrExportBar, cancel_button);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel_clicked_cb);
}

static void
sr_export_bar_init (SrExportBar *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->last_rows = -1;
}

GtkWidget *
sr_export_bar_new (void)
{
  return g_object_new (SR_TYPE_EXPORT_BAR, NULL);
}
