/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-column-sorter.c: the per-column sorter of the report views.
 *
 * GTK 4.10 added gtk_column_view_sorter_get_primary_sort_column(); on 4.8
 * the column view's sorter is private. Its compare() calls the column
 * sorters in priority order and inverts the result of descending ones, so a
 * probe compare in which every SrColumnSorter answers "larger" tells us which
 * one is primary (the one that was called) and its order (inverted or not).
 */
#define G_LOG_DOMAIN "sr-column-sorter"

#include "config.h"

#include <glib/gi18n.h>

#include "sr-column-sorter.h"

struct _SrColumnSorter
{
  GtkSorter parent_instance;

  int       key;
};

G_DEFINE_FINAL_TYPE (SrColumnSorter, sr_column_sorter, GTK_TYPE_SORTER)

/* Set by the sorter that a probe reached first; main thread only. */
static SrColumnSorter *probe_hit;

static GtkOrdering
sr_column_sorter_compare (GtkSorter *sorter,
                          gpointer   item1,
                          gpointer   item2)
{
  SrColumnSorter *self = SR_COLUMN_SORTER (sorter);

  if (probe_hit == NULL)
    probe_hit = self;

  return GTK_ORDERING_LARGER;
}

static GtkSorterOrder
sr_column_sorter_get_order (GtkSorter *sorter)
{
  return GTK_SORTER_ORDER_TOTAL;
}

static void
sr_column_sorter_class_init (SrColumnSorterClass *klass)
{
  GtkSorterClass *sorter_class = GTK_SORTER_CLASS (klass);

  sorter_class->compare = sr_column_sorter_compare;
  sorter_class->get_order = sr_column_sorter_get_order;
}

static void
sr_column_sorter_init (SrColumnSorter *self)
{
}

GtkSorter *
sr_column_sorter_new (int key)
{
  SrColumnSorter *self = g_object_new (SR_TYPE_COLUMN_SORTER, NULL);

  self->key = key;

  return GTK_SORTER (self);
}

int
sr_column_sorter_get_key (SrColumnSorter *self)
{
  g_return_val_if_fail (SR_IS_COLUMN_SORTER (self), 0);

  return self->key;
}

gboolean
sr_column_sorter_get_primary (GtkColumnView *view,
                              int           *out_key,
                              gboolean      *out_descending)
{
  GtkSorter *view_sorter;

  g_return_val_if_fail (GTK_IS_COLUMN_VIEW (view), FALSE);
  g_return_val_if_fail (out_key != NULL, FALSE);
  g_return_val_if_fail (out_descending != NULL, FALSE);

  view_sorter = gtk_column_view_get_sorter (view);
  if (view_sorter == NULL)
    return FALSE;

#if GTK_CHECK_VERSION (4, 10, 0)
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  if (GTK_IS_COLUMN_VIEW_SORTER (view_sorter))
    {
      GtkColumnViewSorter *cvs = GTK_COLUMN_VIEW_SORTER (view_sorter);
      GtkColumnViewColumn *column = gtk_column_view_sorter_get_primary_sort_column (cvs);
      GtkSorter *sorter;

      if (column == NULL)
        return FALSE;
      sorter = gtk_column_view_column_get_sorter (column);
      if (!SR_IS_COLUMN_SORTER (sorter))
        return FALSE;

      *out_key = SR_COLUMN_SORTER (sorter)->key;
      *out_descending = gtk_column_view_sorter_get_primary_sort_order (cvs) == GTK_SORT_DESCENDING;
      return TRUE;
    }
  G_GNUC_END_IGNORE_DEPRECATIONS
#endif

  {
    g_autoptr(GObject) a = g_object_new (G_TYPE_OBJECT, NULL);
    g_autoptr(GObject) b = g_object_new (G_TYPE_OBJECT, NULL);
    GtkOrdering order;
    SrColumnSorter *hit;

    probe_hit = NULL;
    order = gtk_sorter_compare (view_sorter, a, b);
    hit = g_steal_pointer (&probe_hit);

    if (hit == NULL || order == GTK_ORDERING_EQUAL)
      return FALSE;

    *out_key = hit->key;
    *out_descending = order == GTK_ORDERING_SMALLER;
    return TRUE;
  }
}

void
sr_column_view_fit_titles (GtkColumnView *view)
{
  GListModel *columns;

  g_return_if_fail (GTK_IS_COLUMN_VIEW (view));

  columns = gtk_column_view_get_columns (view);
  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);
      const char *title = gtk_column_view_column_get_title (column);
      g_autoptr(PangoLayout) layout = NULL;
      int fixed = gtk_column_view_column_get_fixed_width (column);
      int width;

      if (fixed < 0 || title == NULL)
        continue;

      /* The view's own font is at least as wide as the header's; room is
       * added for the sort arrow and the cell padding. */
      layout = gtk_widget_create_pango_layout (GTK_WIDGET (view), title);
      pango_layout_get_pixel_size (layout, &width, NULL);
      width += 32;
      if (width > fixed)
        gtk_column_view_column_set_fixed_width (column, width);
    }
}
