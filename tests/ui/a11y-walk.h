/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * a11y-walk.h: walks the accessible tree GTK gives assistive technologies
 * (gtk_accessible_get_first_accessible_child() and siblings) and computes
 * each node's accessible name the way GTK's AT-SPI backend does (WAI-ARIA
 * accname: labelled-by, label, name from content for the roles that allow
 * it, then the tooltip). GTK has no public getter for the computed name, so
 * this reads the same attributes through the gtk_test_accessible_* API.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef struct
{
  guint      n_nodes;
  guint      n_interactive;
  guint      n_unnamed;
  /* Names that still carry a mnemonic underscore ("_Cancel"). */
  guint      n_mnemonic;
  /* One line per unnamed or badly named interactive node. */
  GString   *problems;
  /* One line per interactive node: "role: name". */
  GPtrArray *names;
} A11yWalk;

void      a11y_walk_init   (A11yWalk      *walk);
void      a11y_walk_clear  (A11yWalk      *walk);
void      a11y_walk        (A11yWalk      *walk,
                            GtkAccessible *root);
/* The accessible name GTK computes for a node ("" when it has none). */
char     *a11y_dup_name    (GtkAccessible *accessible);
char     *a11y_dup_description (GtkAccessible *accessible);
gboolean  a11y_is_interactive  (GtkAccessible *accessible);
/* Whether the name (one of walk->names) of an interactive node contains
 * needle. */
gboolean  a11y_walk_has_name   (A11yWalk      *walk,
                                const char    *needle);

G_END_DECLS
