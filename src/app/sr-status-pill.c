/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-status-pill.c: the coloured status label used in every list, the
 * message detail, the campaign window and the legend. Colours come from
 * style.css (libadwaita's named colours), keyed by sr_status_get_style_class().
 */
#define G_LOG_DOMAIN "sr-status-pill"

#include "config.h"

#include <glib/gi18n.h>

#include "sr-status-pill.h"

struct _SrStatusPill
{
  GtkWidget  parent_instance;

  GtkLabel  *label;

  SrStatus   status;
  const char *style_class;   /* static string from sr_status_get_style_class() */
  char      *tooltip;        /* owned, shown by query_tooltip */
};

G_DEFINE_FINAL_TYPE (SrStatusPill, sr_status_pill, GTK_TYPE_WIDGET)

static void
sr_status_pill_dispose (GObject *object)
{
  SrStatusPill *self = SR_STATUS_PILL (object);

  g_clear_pointer ((GtkWidget **) &self->label, gtk_widget_unparent);
  g_clear_pointer (&self->tooltip, g_free);

  G_OBJECT_CLASS (sr_status_pill_parent_class)->dispose (object);
}

/* The tooltip is given when asked for: gtk_widget_set_tooltip_text() looks
 * for the widget under the pointer (a round trip to the display server) each
 * time, and list rows set a status hundreds of times on a long scroll. */
static gboolean
sr_status_pill_query_tooltip (GtkWidget  *widget,
                              int         x,
                              int         y,
                              gboolean    keyboard_mode,
                              GtkTooltip *tooltip)
{
  SrStatusPill *self = SR_STATUS_PILL (widget);

  if (self->tooltip == NULL)
    return FALSE;

  gtk_tooltip_set_text (tooltip, self->tooltip);
  return TRUE;
}

static void
sr_status_pill_class_init (SrStatusPillClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sr_status_pill_dispose;
  widget_class->query_tooltip = sr_status_pill_query_tooltip;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "statuspill");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_STATUS);
}

static void
sr_status_pill_init (SrStatusPill *self)
{
  /* Built in code, not from a template: a log binds a pill per row, and
   * a template runs GtkBuilder for each (a jump makes ~200 at once). */
  self->label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_ellipsize (self->label, PANGO_ELLIPSIZE_END);
  gtk_label_set_single_line_mode (self->label, TRUE);
  gtk_widget_set_parent (GTK_WIDGET (self->label), GTK_WIDGET (self));
  gtk_widget_set_halign (GTK_WIDGET (self), GTK_ALIGN_START);
  gtk_widget_set_valign (GTK_WIDGET (self), GTK_ALIGN_CENTER);
  self->status = SR_STATUS_UNKNOWN;
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
}

GtkWidget *
sr_status_pill_new (void)
{
  return g_object_new (SR_TYPE_STATUS_PILL, NULL);
}

void
sr_status_pill_set_status (SrStatusPill *self,
                           SrStatus      status,
                           const char   *raw)
{
  const char *style_class;
  g_autofree char *text = NULL;
  char *tooltip = NULL;

  g_return_if_fail (SR_IS_STATUS_PILL (self));

  style_class = sr_status_get_style_class (status);
  if (self->style_class != style_class)
    {
      if (self->style_class != NULL)
        gtk_widget_remove_css_class (GTK_WIDGET (self), self->style_class);
      self->style_class = style_class;
      if (style_class != NULL)
        gtk_widget_add_css_class (GTK_WIDGET (self), style_class);
    }

  self->status = status;

  /* An unknown status gets a readable name; the value as received is in
   * the tooltip (and in the details and exports). */
  text = sr_status_dup_display_name (status, raw);
  if (status == SR_STATUS_UNKNOWN && raw != NULL && *raw != '\0')
    /* Translators: tooltip of a status SMS Reports does not know, %s is the status as received */
    tooltip = g_strdup_printf (_("Reported as “%s”. %s"), raw, sr_status_get_description (status));
  else
    tooltip = g_strdup (sr_status_get_description (status));

  gtk_label_set_label (self->label, text);
  g_free (self->tooltip);
  self->tooltip = tooltip;
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, text,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, sr_status_get_description (status),
                                  -1);
}

SrStatus
sr_status_pill_get_status (SrStatusPill *self)
{
  g_return_val_if_fail (SR_IS_STATUS_PILL (self), SR_STATUS_UNKNOWN);

  return self->status;
}

const char *
sr_status_pill_get_text (SrStatusPill *self)
{
  g_return_val_if_fail (SR_IS_STATUS_PILL (self), NULL);

  return gtk_label_get_label (self->label);
}
