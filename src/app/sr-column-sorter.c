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

/* The fixed widths of the .ui files are for the normal text size. Large
 * text (GNOME's text scaling sets gtk-xft-dpi) scales them with the text,
 * so titles and values are not cut. */
static double
get_text_scale (GtkWidget *widget)
{
  int dpi = 0;

  g_object_get (gtk_widget_get_settings (widget), "gtk-xft-dpi", &dpi, NULL);
  return dpi > 0 ? MAX (1.0, dpi / (96.0 * 1024)) : 1.0;
}

static gboolean
refit_idle_cb (gpointer user_data)
{
  GtkColumnView *view = user_data;

  g_object_set_data (G_OBJECT (view), "sr-refit-source", NULL);
  sr_column_view_fit_titles (view);
  return G_SOURCE_REMOVE;
}

/* After GTK has given the view the new text size. */
static void
on_text_size_changed_cb (GtkColumnView *view)
{
  if (g_object_get_data (G_OBJECT (view), "sr-refit-source") != NULL)
    return;
  g_object_set_data (G_OBJECT (view), "sr-refit-source", GUINT_TO_POINTER (1));
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, refit_idle_cb, g_object_ref (view), g_object_unref);
}

void
sr_column_view_fit_titles (GtkColumnView *view)
{
  GListModel *columns;
  double scale;

  g_return_if_fail (GTK_IS_COLUMN_VIEW (view));

  if (g_object_get_data (G_OBJECT (view), "sr-fit-titles") == NULL)
    {
      GtkSettings *settings = gtk_widget_get_settings (GTK_WIDGET (view));

      g_object_set_data (G_OBJECT (view), "sr-fit-titles", GUINT_TO_POINTER (1));
      g_signal_connect_object (settings, "notify::gtk-xft-dpi",
                               G_CALLBACK (on_text_size_changed_cb), view, G_CONNECT_SWAPPED);
      g_signal_connect_object (settings, "notify::gtk-font-name",
                               G_CALLBACK (on_text_size_changed_cb), view, G_CONNECT_SWAPPED);
    }

  scale = get_text_scale (GTK_WIDGET (view));
  columns = gtk_column_view_get_columns (view);
  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);
      const char *title = gtk_column_view_column_get_title (column);
      g_autoptr(PangoLayout) layout = NULL;
      int base = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (column), "sr-base-width"));
      int width;

      /* The width of the .ui, kept from the first call. */
      if (base == 0)
        {
          base = gtk_column_view_column_get_fixed_width (column);
          if (base <= 0)
            continue;
          g_object_set_data (G_OBJECT (column), "sr-base-width", GINT_TO_POINTER (base));
        }
      if (title == NULL)
        continue;

      /* The view's own font is at least as wide as the header's; room is
       * added for the sort arrow and the cell padding. */
      layout = gtk_widget_create_pango_layout (GTK_WIDGET (view), title);
      pango_layout_get_pixel_size (layout, &width, NULL);
      width = MAX (width + 32, (int) (base * scale + 0.5));
      gtk_column_view_column_set_fixed_width (column, width);
    }
}

/* --- the sort menu --- */

static GtkColumnViewColumn *
find_column (GtkColumnView *view,
             int            key)
{
  GListModel *columns = gtk_column_view_get_columns (view);

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);
      GtkSorter *sorter = gtk_column_view_column_get_sorter (column);

      if (SR_IS_COLUMN_SORTER (sorter) && sr_column_sorter_get_key (SR_COLUMN_SORTER (sorter)) == key)
        return column;
    }
  return NULL;
}

static void
sort_view (GtkColumnView *view,
           int            key,
           gboolean       descending)
{
  GtkColumnViewColumn *column = find_column (view, key);

  if (column != NULL)
    gtk_column_view_sort_by_column (view, column, descending ? GTK_SORT_DESCENDING : GTK_SORT_ASCENDING);
}

static void
on_sort_by_cb (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  GtkColumnView *view = user_data;
  int key;
  gboolean descending = FALSE;

  if (!sr_column_sorter_get_primary (view, &key, &descending))
    descending = FALSE;
  sort_view (view, g_variant_get_int32 (parameter), descending);
}

static void
on_sort_order_cb (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  GtkColumnView *view = user_data;
  int key;
  gboolean descending;

  if (sr_column_sorter_get_primary (view, &key, &descending))
    sort_view (view, key, g_strcmp0 (g_variant_get_string (parameter, NULL), "descending") == 0);
}

/* Keeps the radio items in step with the headers, whoever sorted. */
static void
on_view_sorter_changed_cb (GtkSorter    *sorter,
                           GtkSorterChange change,
                           GActionGroup *group)
{
  GtkColumnView *view = g_object_get_data (G_OBJECT (group), "sr-column-view");
  int key;
  gboolean descending;

  if (view == NULL || !sr_column_sorter_get_primary (view, &key, &descending))
    return;
  g_simple_action_set_state (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (group), "by")),
                             g_variant_new_int32 (key));
  g_simple_action_set_state (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (group), "order")),
                             g_variant_new_string (descending ? "descending" : "ascending"));
}

GtkWidget *
sr_column_sorter_new_menu_button (GtkColumnView *view)
{
  const GActionEntry entries[] = {
    { .name = "by", .parameter_type = "i", .state = "-1", .change_state = on_sort_by_cb },
    { .name = "order", .parameter_type = "s", .state = "'descending'", .change_state = on_sort_order_cb },
  };
  g_autoptr(GSimpleActionGroup) group = g_simple_action_group_new ();
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenu) columns = g_menu_new ();
  g_autoptr(GMenu) order = g_menu_new ();
  GListModel *model = gtk_column_view_get_columns (view);
  GtkWidget *button;

  g_return_val_if_fail (GTK_IS_COLUMN_VIEW (view), NULL);

  g_action_map_add_action_entries (G_ACTION_MAP (group), entries, G_N_ELEMENTS (entries), view);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (model, i);
      GtkSorter *sorter = gtk_column_view_column_get_sorter (column);
      g_autoptr(GMenuItem) item = NULL;

      if (!SR_IS_COLUMN_SORTER (sorter))
        continue;
      item = g_menu_item_new (gtk_column_view_column_get_title (column), NULL);
      g_menu_item_set_action_and_target_value (item, "sort.by",
                                               g_variant_new_int32 (sr_column_sorter_get_key (SR_COLUMN_SORTER (sorter))));
      g_menu_append_item (columns, item);
    }
  g_menu_append (order, _("Ascending"), "sort.order::ascending");
  g_menu_append (order, _("Descending"), "sort.order::descending");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (columns));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (order));

  button = gtk_menu_button_new ();
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), "view-sort-descending-symbolic");
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (button), G_MENU_MODEL (menu));
  gtk_widget_set_tooltip_text (button, _("Sort"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Sort"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, _("Choose the column and the order of the list"),
                                  -1);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_insert_action_group (button, "sort", G_ACTION_GROUP (group));

  g_object_set_data (G_OBJECT (group), "sr-column-view", view);
  g_signal_connect_object (gtk_column_view_get_sorter (view), "changed",
                           G_CALLBACK (on_view_sorter_changed_cb), group, 0);
  on_view_sorter_changed_cb (NULL, 0, G_ACTION_GROUP (group));

  return button;
}
