/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-cells.c: the shared cells of the report views (see sr-cells.h).
 */
#define G_LOG_DOMAIN "sr-cells"

#include "config.h"

#include <string.h>

#include "sr-cells.h"
#include "sr-format.h"

/* Cells are GtkInscriptions, not GtkLabels: an inscription asks for a size
 * from the font alone (a number of characters and lines) and shapes its
 * text only when it is drawn, so binding one does not make GTK measure the
 * row again. A jump binds ~200 rows at once and draws only the ~20 in
 * view: with labels, measuring and ellipsizing them was a third of the
 * main thread's time while scrolling a long log. */
static GtkWidget *
new_cell (float xalign,
          guint min_chars)
{
  GtkWidget *cell = gtk_inscription_new (NULL);

  gtk_inscription_set_xalign (GTK_INSCRIPTION (cell), xalign);
  gtk_inscription_set_min_chars (GTK_INSCRIPTION (cell), min_chars);
  gtk_inscription_set_text_overflow (GTK_INSCRIPTION (cell), GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  return cell;
}

GtkWidget *
sr_cell_new (float xalign)
{
  return new_cell (xalign, 1);
}

void
sr_cell_setup_label (GtkListItem *list_item)
{
  gtk_list_item_set_child (list_item, new_cell (0, 1));
}

void
sr_cell_setup_text (GtkListItem *list_item,
                    int          width_chars)
{
  GtkWidget *cell = new_cell (0, MAX (width_chars, 1));

  gtk_widget_add_css_class (cell, "dim-label");
  gtk_list_item_set_child (list_item, cell);
}

void
sr_cell_setup_numeric (GtkListItem *list_item)
{
  GtkWidget *cell = new_cell (1, 1);

  gtk_widget_add_css_class (cell, "numeric");
  gtk_list_item_set_child (list_item, cell);
}

void
sr_cell_set_text (GtkWidget  *cell,
                  const char *text)
{
  gtk_inscription_set_text (GTK_INSCRIPTION (cell), text != NULL && *text != '\0' ? text : "—");
}

const char *
sr_cell_get_text (GtkWidget *cell)
{
  return gtk_inscription_get_text (GTK_INSCRIPTION (cell));
}

void
sr_cell_set_label (GtkListItem *list_item,
                   const char  *text)
{
  sr_cell_set_text (gtk_list_item_get_child (list_item), text);
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
