/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-column-sorter.h: a GtkSorter that only carries a sort key for one
 * column. The lists are sorted in SQL, never by GTK; this sorter lets the
 * column headers show and toggle the sort, and lets the view find out which
 * column and order the user picked.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define SR_TYPE_COLUMN_SORTER (sr_column_sorter_get_type ())
G_DECLARE_FINAL_TYPE (SrColumnSorter, sr_column_sorter, SR, COLUMN_SORTER, GtkSorter)

GtkSorter *sr_column_sorter_new      (int        key);
int        sr_column_sorter_get_key  (SrColumnSorter *self);

/* Reads the primary sort column of a GtkColumnView's sorter. Returns FALSE
 * when nothing is sorted. Works on GTK 4.8, where the column view sorter has
 * no public API to ask. */
gboolean   sr_column_sorter_get_primary (GtkColumnView *view,
                                         int           *out_key,
                                         gboolean      *out_descending);

/* A "Sort" menu button for a column view, for sorting without the mouse:
 * one radio item per sortable column and an "Ascending"/"Descending"
 * choice; picking one sorts the view as a click on the header does. */
GtkWidget *sr_column_sorter_new_menu_button (GtkColumnView *view);

/* Widens fixed-width columns whose (translated) title would not fit in
 * them (GTK clips a column header without an ellipsis), and scales the
 * fixed widths with large text (gtk-xft-dpi), again whenever the text
 * size changes. */
void       sr_column_view_fit_titles   (GtkColumnView *view);

G_END_DECLS
