/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-legend-window.c: the Status Legend. Every text comes from the core's
 * status table (sr-status.c), which the message detail and the CLI use too,
 * so the app explains a status the same way everywhere.
 */
#define G_LOG_DOMAIN "sr-legend-window"

#include "config.h"

#include <glib/gi18n.h>

#include "sr-core.h"
#include "sr-legend-window.h"
#include "sr-status-bar.h"
#include "sr-status-pill.h"

struct _SrLegendWindow
{
  AdwWindow   parent_instance;

  GtkListBox *status_list;
  GtkListBox *group_list;
};

G_DEFINE_FINAL_TYPE (SrLegendWindow, sr_legend_window, ADW_TYPE_WINDOW)

/* Delivered first, then what may still arrive, then what did not. */
static const SrStatus legend_order[] = {
  SR_STATUS_DELIVERED,
  SR_STATUS_SENT,
  SR_STATUS_EXPIRED,
  SR_STATUS_SENDING,
  SR_STATUS_QUEUED,
  SR_STATUS_SCHEDULED,
  SR_STATUS_FAILED,
  SR_STATUS_REJECTED,
  SR_STATUS_UNSUBSCRIBED,
};

static GtkWidget *
make_status_row (SrStatus status)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *pill = sr_status_pill_new ();
  GtkWidget *name = gtk_label_new (sr_status_to_string (status));
  GtkWidget *description = gtk_label_new (sr_status_get_description (status));
  GtkWidget *facts;
  g_autofree char *facts_text = NULL;

  sr_status_pill_set_status (SR_STATUS_PILL (pill), status, NULL);
  gtk_widget_add_css_class (name, "dim-label");
  gtk_widget_add_css_class (name, "caption");
  gtk_widget_add_css_class (name, "monospace");
  gtk_box_append (GTK_BOX (top), pill);
  gtk_box_append (GTK_BOX (top), name);

  gtk_label_set_wrap (GTK_LABEL (description), TRUE);
  gtk_label_set_xalign (GTK_LABEL (description), 0);

  facts_text = g_strdup_printf ("%s · %s",
                                sr_status_is_billable (status) ? _("Billed") : _("Not billed"),
                                sr_status_is_final (status) ? _("Final") : _("May still change"));
  facts = gtk_label_new (facts_text);
  gtk_label_set_xalign (GTK_LABEL (facts), 0);
  gtk_widget_add_css_class (facts, "dim-label");
  gtk_widget_add_css_class (facts, "caption");

  gtk_box_append (GTK_BOX (box), top);
  gtk_box_append (GTK_BOX (box), description);
  gtk_box_append (GTK_BOX (box), facts);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  g_object_set_data (G_OBJECT (row), "sr-status", GUINT_TO_POINTER (status));
  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, sr_status_get_label (status),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, sr_status_get_description (status),
                                  -1);

  return row;
}

static GtkWidget *
make_group_row (SrStatusGroup group)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *swatch = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  g_autoptr(GString) members = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (legend_order); i++)
    if (sr_status_get_group (legend_order[i]) == group)
      {
        if (members->len > 0)
          g_string_append (members, ", ");
        g_string_append (members, sr_status_get_label (legend_order[i]));
      }
  if (group == SR_STATUS_GROUP_OTHER)
    g_string_append (members, _("any status not listed above"));

  gtk_widget_add_css_class (swatch, "status-swatch");
  gtk_widget_add_css_class (swatch, sr_status_bar_group_style_class (group));
  gtk_widget_set_valign (swatch, GTK_ALIGN_CENTER);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), sr_status_group_get_label (group));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), members->str);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), swatch);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);

  return row;
}

static void
sr_legend_window_class_init (SrLegendWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/sr-legend-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SrLegendWindow, status_list);
  gtk_widget_class_bind_template_child (widget_class, SrLegendWindow, group_list);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
sr_legend_window_init (SrLegendWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint i = 0; i < G_N_ELEMENTS (legend_order); i++)
    gtk_list_box_append (self->status_list, make_status_row (legend_order[i]));

  for (guint i = 0; i < SR_N_STATUS_GROUPS; i++)
    gtk_list_box_append (self->group_list, make_group_row (i));
}

GtkWidget *
sr_legend_window_new (void)
{
  return g_object_new (SR_TYPE_LEGEND_WINDOW, NULL);
}

GStrv
sr_legend_window_dup_statuses (SrLegendWindow *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (SR_IS_LEGEND_WINDOW (self), NULL);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->status_list));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (!GTK_IS_LIST_BOX_ROW (child))
        continue;
      g_strv_builder_add (builder,
                          sr_status_to_string (GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (child), "sr-status"))));
    }

  return g_strv_builder_end (builder);
}
