/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-message-dialog.c: the detail of one message. Explanations come from
 * the core (sr_status_get_description, sr_failure_reason_explain) so the
 * legend, the CLI and this window say the same thing; a reason the core does
 * not know is shown verbatim with no invented explanation.
 */
#define G_LOG_DOMAIN "sr-message-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "sr-format.h"
#include "sr-message-dialog.h"
#include "sr-status-pill.h"

struct _SrMessageDialog
{
  AdwDialog            parent_instance;

  AdwWindowTitle      *window_title;
  SrStatusPill        *status_pill;
  GtkLabel            *status_description;
  GtkLabel            *status_facts;
  AdwPreferencesGroup *failure_group;
  GtkLabel            *failure_reason;
  GtkLabel            *failure_explanation;
  GtkLabel            *failure_advice;
  GtkLabel            *message_text;
  AdwPreferencesGroup *details_group;
  AdwPreferencesGroup *timeline_group;
  GtkWidget           *open_campaign_button;

  SrMessage           *message;
};

G_DEFINE_FINAL_TYPE (SrMessageDialog, sr_message_dialog, ADW_TYPE_DIALOG)

static GtkWidget *
add_row (AdwPreferencesGroup *group,
         const char          *title,
         const char          *value)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *label;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);

  label = gtk_label_new (value != NULL && *value != '\0' ? value : "—");
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_set_focusable (label, FALSE);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_RIGHT);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 36);
  gtk_widget_add_css_class (label, "dim-label");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);

  gtk_accessible_update_relation (GTK_ACCESSIBLE (label),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY, row, NULL,
                                  -1);

  adw_preferences_group_add (group, row);
  return row;
}

static void
add_time_row (AdwPreferencesGroup *group,
              const char          *title,
              gint64               usec,
              gint64               since,
              gboolean             show_utc)
{
  g_autofree char *text = NULL;
  GtkWidget *row;

  if (usec == SR_TIME_NONE)
    return;

  text = sr_format_time_long (usec, show_utc);
  row = add_row (group, title, text);

  if (since != SR_TIME_NONE && usec > since)
    {
      g_autofree char *duration = sr_format_duration (usec - since);
      /* Translators: how long after creation, e.g. "5 minutes after it was created" */
      g_autofree char *subtitle = g_strdup_printf (_("%s after it was created"), duration);

      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
    }
}

static void
on_open_campaign_clicked_cb (SrMessageDialog *self)
{
  GtkRoot *parent;
  const char *campaign_id;

  g_assert (SR_IS_MESSAGE_DIALOG (self));

  /* A presented dialog lives inside the window it was presented for. */
  campaign_id = sr_message_get_campaign_id (self->message);
  parent = gtk_widget_get_root (GTK_WIDGET (self));
  if (parent == NULL || campaign_id == NULL)
    return;

  if (gtk_widget_activate_action (GTK_WIDGET (parent), "win.show-campaign", "s", campaign_id))
    adw_dialog_close (ADW_DIALOG (self));
}

static void
fill (SrMessageDialog *self,
      const char      *currency,
      gboolean         show_utc)
{
  SrMessage *message = self->message;
  SrStatus status = sr_message_get_status (message);
  const char *reason = sr_message_get_failed_reason (message);
  const char *campaign_id = sr_message_get_campaign_id (message);
  g_autofree char *cost = NULL;
  g_autofree char *parts = NULL;
  g_autofree char *facts = NULL;
  gint64 created = sr_message_get_created_at (message);

  adw_window_title_set_subtitle (self->window_title, sr_message_get_to (message));

  sr_status_pill_set_status (self->status_pill, status, sr_message_get_status_raw (message));
  gtk_label_set_label (self->status_description, sr_status_get_description (status));

  facts = g_strdup_printf ("%s · %s",
                           sr_status_is_billable (status) ? _("Billed") : _("Not billed"),
                           sr_status_is_final (status)
                             ? _("Final status")
                             : _("This status may still change when a delivery report arrives"));
  gtk_label_set_label (self->status_facts, facts);

  if (reason != NULL && *reason != '\0')
    {
      gboolean permanent = FALSE;
      const char *explanation = sr_failure_reason_explain (reason, &permanent);

      gtk_widget_set_visible (GTK_WIDGET (self->failure_group), TRUE);
      gtk_label_set_label (self->failure_reason, reason);

      if (explanation != NULL)
        {
          gtk_label_set_label (self->failure_explanation, explanation);
          gtk_label_set_label (self->failure_advice,
                               permanent
                                 ? _("This will not change by itself: correct the number or remove it from your lists.")
                                 : _("This is usually temporary: sending again later may work."));
        }
      else
        {
          gtk_label_set_label (self->failure_explanation,
                               _("This is the reason as SMS.to reported it. SMS Reports has no further explanation for it."));
          gtk_widget_set_visible (GTK_WIDGET (self->failure_advice), FALSE);
        }
    }

  gtk_label_set_label (self->message_text,
                       sr_message_get_message (message) != NULL ? sr_message_get_message (message) : "");

  cost = sr_format_money (sr_message_get_cost (message), currency, 4);
  parts = sr_format_count (sr_message_get_sms_count (message));

  add_row (self->details_group, _("Recipient"), sr_message_get_to (message));
  add_row (self->details_group, _("Sender ID"), sr_message_get_sender_id (message));
  add_row (self->details_group, _("Parts"), parts);
  add_row (self->details_group, _("Cost"), cost);
  add_row (self->details_group, _("Sent Through"),
           sr_message_get_is_api (message) ? _("API") : _("Web dashboard"));

  if (campaign_id != NULL && *campaign_id != '\0')
    {
      GtkWidget *row = add_row (self->details_group, _("Campaign"), campaign_id);
      GtkWidget *button = gtk_button_new_from_icon_name ("go-next-symbolic");

      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (button, _("Open Campaign"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Open Campaign"),
                                      -1);
      gtk_widget_add_css_class (button, "flat");
      gtk_widget_set_visible (button, FALSE);
      g_signal_connect_object (button, "clicked",
                               G_CALLBACK (on_open_campaign_clicked_cb),
                               self, G_CONNECT_SWAPPED);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      self->open_campaign_button = button;
    }

  add_row (self->details_group, _("Message ID"), sr_message_get_id (message));
  if (sr_message_get_message_id (message) != NULL)
    add_row (self->details_group, _("Network Message ID"), sr_message_get_message_id (message));
  if (sr_message_get_message_type (message) != NULL)
    add_row (self->details_group, _("Type"), sr_message_get_message_type (message));
  if (sr_message_get_provider (message) != NULL)
    add_row (self->details_group, _("Route"), sr_message_get_provider (message));
  if (sr_message_get_timezone (message) != NULL)
    add_row (self->details_group, _("Time Zone"), sr_message_get_timezone (message));
  if (status == SR_STATUS_UNKNOWN)
    add_row (self->details_group, _("Status as Reported"), sr_message_get_status_raw (message));

  add_time_row (self->timeline_group, _("Created"), created, SR_TIME_NONE, show_utc);
  add_time_row (self->timeline_group, _("Scheduled For"), sr_message_get_scheduled_for (message), SR_TIME_NONE, show_utc);
  add_time_row (self->timeline_group, _("Sent to the Network"), sr_message_get_sent_at (message), created, show_utc);
  add_time_row (self->timeline_group, _("Last Status Update"), sr_message_get_updated_at (message), created, show_utc);
}

static void
sr_message_dialog_dispose (GObject *object)
{
  SrMessageDialog *self = SR_MESSAGE_DIALOG (object);

  g_clear_object (&self->message);

  G_OBJECT_CLASS (sr_message_dialog_parent_class)->dispose (object);
}

static gboolean
close_shortcut_cb (GtkWidget *widget,
                   GVariant  *args,
                   gpointer   user_data)
{
  return adw_dialog_close (ADW_DIALOG (widget));
}

static void
sr_message_dialog_class_init (SrMessageDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sr_message_dialog_dispose;

  g_type_ensure (SR_TYPE_STATUS_PILL);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/sr-message-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, SrMessageDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, SrMessageDialog, status_pill);
  gtk_widget_class_bind_template_child (widget_class, SrMessageDialog, status_description);
  gtk_widget_class_bind_template_child (widget_class, SrMessageDialog, status_facts);
  gtk_widget_class_bind_template_child (widget_class, SrMessageDialog, failure_group);
  gtk_widget_class_bind_template_child (widget_class, SrMessageDialog, failure_reason);
  gtk_widget_class_bind_template_child (widget_class, SrMessageDialog, failure_explanation);
  gtk_widget_class_bind_template_child (widget_class, SrMessageDialog, failure_advice);
  gtk_widget_class_bind_template_child (widget_class, SrMessageDialog, message_text);
  gtk_widget_class_bind_template_child (widget_class, SrMessageDialog, details_group);
  gtk_widget_class_bind_template_child (widget_class, SrMessageDialog, timeline_group);

  /* Escape is AdwDialog's own. */
  gtk_widget_class_add_binding (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, close_shortcut_cb, NULL);
}

static void
sr_message_dialog_init (SrMessageDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
sr_message_dialog_new (SrMessage  *message,
                       const char *currency,
                       gboolean    show_utc)
{
  SrMessageDialog *self;

  g_return_val_if_fail (SR_IS_MESSAGE (message), NULL);

  self = g_object_new (SR_TYPE_MESSAGE_DIALOG, NULL);
  self->message = g_object_ref (message);
  fill (self, currency, show_utc);

  return GTK_WIDGET (self);
}

SrMessage *
sr_message_dialog_get_message (SrMessageDialog *self)
{
  g_return_val_if_fail (SR_IS_MESSAGE_DIALOG (self), NULL);

  return self->message;
}

void
sr_message_dialog_set_can_open_campaign (SrMessageDialog *self,
                                         gboolean         can_open)
{
  g_return_if_fail (SR_IS_MESSAGE_DIALOG (self));

  if (self->open_campaign_button != NULL)
    gtk_widget_set_visible (self->open_campaign_button, can_open);
}
