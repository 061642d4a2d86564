/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-cells.c: the shared cells of the report views (see sr-cells.h).
 */
#define G_LOG_DOMAIN "sr-cells"

#include "config.h"

#include <string.h>

#include "sr-cells.h"
#include "sr-format.h"

void
sr_cell_setup_label (GtkListItem *list_item)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  gtk_list_item_set_child (list_item, label);
}

void
sr_cell_setup_text (GtkListItem *list_item,
                    int          width_chars)
{
  GtkWidget *label;

  sr_cell_setup_label (list_item);
  label = gtk_list_item_get_child (list_item);
  gtk_label_set_width_chars (GTK_LABEL (label), width_chars);
  gtk_widget_add_css_class (label, "dim-label");
}

void
sr_cell_setup_numeric (GtkListItem *list_item)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "numeric");
  gtk_list_item_set_child (list_item, label);
}

void
sr_cell_set_label (GtkListItem *list_item,
                   const char  *text)
{
  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (list_item)),
                       text != NULL && *text != '\0' ? text : "—");
}

void
sr_cell_set_count (GtkListItem *list_item,
                   gint64       count)
{
  g_autofree char *text = sr_format_count (count);

  sr_cell_set_label (list_item, text);
}

char *
sr_cell_dup_one_line (const char *text)
{
  char *one_line;

  if (text == NULL || strpbrk (text, "\r\n") == NULL)
    return NULL;

  one_line = g_strdup (text);
  g_strdelimit (one_line, "\r\n", ' ');
  return one_line;
}

void
sr_cell_set_one_line (GtkListItem *list_item,
                      const char  *text)
{
  g_autofree char *one_line = sr_cell_dup_one_line (text);

  sr_cell_set_label (list_item, one_line != NULL ? one_line : text);
}

GtkLabel *
sr_cell_new_rich_label (const char *css_class,
                        float       xalign,
                        gboolean    ellipsize)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), xalign);
  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  if (ellipsize)
    gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);

  return GTK_LABEL (label);
}

static gboolean
on_cell_query_tooltip_cb (GtkWidget  *widget,
                          int         x,
                          int         y,
                          gboolean    keyboard_mode,
                          GtkTooltip *tooltip,
                          gpointer    user_data)
{
  const char *text = g_object_get_data (G_OBJECT (widget), "sr-tooltip");

  if (text == NULL || *text == '\0')
    return FALSE;

  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

/* Not gtk_widget_set_tooltip_text(): that looks for the widget under the
 * pointer (a round trip to the display server) on every call, and a jump in
 * a long list binds a few hundred rows at once. The text is given when a
 * tooltip is asked for. */
void
sr_cell_set_tooltip (GtkWidget  *widget,
                     const char *text)
{
  if (!gtk_widget_get_has_tooltip (widget))
    {
      gtk_widget_set_has_tooltip (widget, TRUE);
      g_signal_connect (widget, "query-tooltip", G_CALLBACK (on_cell_query_tooltip_cb), NULL);
    }

  g_object_set_data_full (G_OBJECT (widget), "sr-tooltip", g_strdup (text), g_free);
  if (text != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (widget),
                                    GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text, -1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
}
