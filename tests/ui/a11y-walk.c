/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * a11y-walk.c: see a11y-walk.h.
 */

#include "config.h"

#include <string.h>

#include "a11y-walk.h"

/* The roles that take their name from their content (WAI-ARIA 1.2 §5.2.8.6,
 * as GTK's naming table has them). */
static gboolean
role_names_from_content (GtkAccessibleRole role)
{
  switch ((int) role)
    {
    case GTK_ACCESSIBLE_ROLE_BUTTON:
    case GTK_ACCESSIBLE_ROLE_CELL:
    case GTK_ACCESSIBLE_ROLE_CHECKBOX:
    case GTK_ACCESSIBLE_ROLE_COLUMN_HEADER:
    case GTK_ACCESSIBLE_ROLE_COMMENT:
    case GTK_ACCESSIBLE_ROLE_GRID_CELL:
    case GTK_ACCESSIBLE_ROLE_HEADING:
    case GTK_ACCESSIBLE_ROLE_LABEL:
    case GTK_ACCESSIBLE_ROLE_LINK:
    case GTK_ACCESSIBLE_ROLE_MENU_ITEM:
    case GTK_ACCESSIBLE_ROLE_MENU_ITEM_CHECKBOX:
    case GTK_ACCESSIBLE_ROLE_MENU_ITEM_RADIO:
    case GTK_ACCESSIBLE_ROLE_OPTION:
    case GTK_ACCESSIBLE_ROLE_RADIO:
    case GTK_ACCESSIBLE_ROLE_ROW:
    case GTK_ACCESSIBLE_ROLE_ROW_HEADER:
    case GTK_ACCESSIBLE_ROLE_SWITCH:
    case GTK_ACCESSIBLE_ROLE_TAB:
    case GTK_ACCESSIBLE_ROLE_TOOLTIP:
    case GTK_ACCESSIBLE_ROLE_TREE_ITEM:
    case GTK_ACCESSIBLE_ROLE_WIDGET:
      return TRUE;
    default:
      return FALSE;
    }
}

static gboolean
role_names_from_author (GtkAccessibleRole role)
{
  switch ((int) role)
    {
    case GTK_ACCESSIBLE_ROLE_BANNER:
    case GTK_ACCESSIBLE_ROLE_CAPTION:
    case GTK_ACCESSIBLE_ROLE_COMMAND:
    case GTK_ACCESSIBLE_ROLE_COMPOSITE:
    case GTK_ACCESSIBLE_ROLE_GENERIC:
    case GTK_ACCESSIBLE_ROLE_INPUT:
    case GTK_ACCESSIBLE_ROLE_LANDMARK:
    case GTK_ACCESSIBLE_ROLE_LEGEND:
    case GTK_ACCESSIBLE_ROLE_NONE:
    case GTK_ACCESSIBLE_ROLE_PARAGRAPH:
    case GTK_ACCESSIBLE_ROLE_RANGE:
    case GTK_ACCESSIBLE_ROLE_SECTION:
    case GTK_ACCESSIBLE_ROLE_SECTION_HEAD:
    case GTK_ACCESSIBLE_ROLE_SELECT:
    case GTK_ACCESSIBLE_ROLE_STATUS:
    case GTK_ACCESSIBLE_ROLE_STRUCTURE:
    case GTK_ACCESSIBLE_ROLE_TIME:
      return FALSE;
    default:
      return TRUE;
    }
}

/* A control a person can operate: it needs a name. */
static gboolean
role_is_control (GtkAccessibleRole role)
{
  switch ((int) role)
    {
    case GTK_ACCESSIBLE_ROLE_BUTTON:
    case GTK_ACCESSIBLE_ROLE_CHECKBOX:
    case GTK_ACCESSIBLE_ROLE_COLUMN_HEADER:
    case GTK_ACCESSIBLE_ROLE_COMBO_BOX:
    case GTK_ACCESSIBLE_ROLE_LINK:
    case GTK_ACCESSIBLE_ROLE_MENU_ITEM:
    case GTK_ACCESSIBLE_ROLE_MENU_ITEM_CHECKBOX:
    case GTK_ACCESSIBLE_ROLE_MENU_ITEM_RADIO:
    case GTK_ACCESSIBLE_ROLE_OPTION:
    case GTK_ACCESSIBLE_ROLE_RADIO:
    case GTK_ACCESSIBLE_ROLE_SEARCH_BOX:
    case GTK_ACCESSIBLE_ROLE_SLIDER:
    case GTK_ACCESSIBLE_ROLE_SPIN_BUTTON:
    case GTK_ACCESSIBLE_ROLE_SWITCH:
    case GTK_ACCESSIBLE_ROLE_TAB:
    case GTK_ACCESSIBLE_ROLE_TEXT_BOX:
    case GTK_ACCESSIBLE_ROLE_TOGGLE_BUTTON:
    case GTK_ACCESSIBLE_ROLE_TREE_ITEM:
      return TRUE;
    default:
      return FALSE;
    }
}

static gboolean
is_hidden (GtkAccessible *accessible)
{
  if (GTK_IS_WIDGET (accessible) && !gtk_widget_get_mapped (GTK_WIDGET (accessible)))
    return TRUE;

  if (gtk_test_accessible_has_state (accessible, GTK_ACCESSIBLE_STATE_HIDDEN))
    {
      g_autofree char *diff = gtk_test_accessible_check_state (accessible, GTK_ACCESSIBLE_STATE_HIDDEN, TRUE);

      return diff == NULL;
    }

  return FALSE;
}

/* The string value of a property, or NULL when it is not set. */
static char *
dup_property (GtkAccessible         *accessible,
              GtkAccessibleProperty  property)
{
  char *value;

  if (!gtk_test_accessible_has_property (accessible, property))
    return NULL;

  /* The check returns the real value whenever it differs from the one
   * asked for: ask for one no widget has. */
  value = gtk_test_accessible_check_property (accessible, property, "\x01");
  if (value == NULL)
    return g_strdup ("\x01");
  return value;
}

static gboolean
not_just_space (const char *text)
{
  for (const char *p = text; p != NULL && *p != '\0'; p = g_utf8_next_char (p))
    if (!g_unichar_isspace (g_utf8_get_char (p)))
      return TRUE;
  return FALSE;
}

static void
append_with_space (GString    *str,
                   const char *text)
{
  if (str->len > 0)
    g_string_append_c (str, ' ');
  g_string_append (str, text);
}

/* A toggle button inside a drop-down or menu button is presented as part of
 * its parent, which carries the name. */
static gboolean
is_nested_button (GtkAccessible *accessible)
{
  GtkWidget *parent;

  if (!GTK_IS_WIDGET (accessible))
    return FALSE;

  parent = gtk_widget_get_parent (GTK_WIDGET (accessible));
  return GTK_IS_TOGGLE_BUTTON (accessible) &&
         (GTK_IS_DROP_DOWN (parent) || GTK_IS_MENU_BUTTON (parent));
}

static void
accumulate_name (GtkAccessible *accessible,
                 GString       *out,
                 gboolean       is_child)
{
  GtkAccessibleRole role = gtk_accessible_get_accessible_role (accessible);
  g_autofree char *label = NULL;

  if (is_hidden (accessible) && is_child)
    return;

  if (role_names_from_author (role))
    {
      /* The labelling widgets are not readable through the public API:
       * a labelled-by relation counts as a name. */
      if (gtk_test_accessible_has_relation (accessible, GTK_ACCESSIBLE_RELATION_LABELLED_BY))
        {
          append_with_space (out, "(labelled)");
          return;
        }

      label = dup_property (accessible, GTK_ACCESSIBLE_PROPERTY_LABEL);
      if (label != NULL && label[0] != '\0')
        {
          append_with_space (out, label);
          return;
        }
    }

  if (is_child && (role == GTK_ACCESSIBLE_ROLE_TEXT_BOX || role == GTK_ACCESSIBLE_ROLE_SEARCH_BOX))
    {
      if (GTK_IS_EDITABLE (accessible))
        {
          const char *text = gtk_editable_get_text (GTK_EDITABLE (accessible));

          if (not_just_space (text))
            append_with_space (out, text);
        }
      return;
    }

  if ((role_names_from_content (role) || is_child) && GTK_IS_WIDGET (accessible))
    {
      g_autoptr(GString) content = g_string_new (NULL);

      for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (accessible));
           child != NULL;
           child = gtk_widget_get_next_sibling (child))
        accumulate_name (GTK_ACCESSIBLE (child), content, TRUE);

      if (content->len > 0)
        {
          append_with_space (out, content->str);
          return;
        }
    }

  if (GTK_IS_WIDGET (accessible))
    {
      const char *tooltip = gtk_widget_get_tooltip_text (GTK_WIDGET (accessible));

      if (not_just_space (tooltip))
        append_with_space (out, tooltip);
    }
}

char *
a11y_dup_name (GtkAccessible *accessible)
{
  GString *out = g_string_new (NULL);

  if (is_nested_button (accessible))
    {
      GtkWidget *parent = gtk_widget_get_parent (GTK_WIDGET (accessible));

      accumulate_name (GTK_ACCESSIBLE (parent), out, FALSE);
    }
  else
    accumulate_name (accessible, out, FALSE);

  return g_string_free (out, FALSE);
}

char *
a11y_dup_description (GtkAccessible *accessible)
{
  char *description = dup_property (accessible, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);

  if (description == NULL && gtk_test_accessible_has_relation (accessible, GTK_ACCESSIBLE_RELATION_DESCRIBED_BY))
    description = g_strdup ("(described)");
  return description != NULL ? description : g_strdup ("");
}

static gboolean
has_focusable_descendant (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (!gtk_widget_get_visible (child))
        continue;
      if ((gtk_widget_get_focusable (child) && gtk_widget_get_can_focus (child)) ||
          has_focusable_descendant (child))
        return TRUE;
    }
  return FALSE;
}

gboolean
a11y_is_interactive (GtkAccessible *accessible)
{
  GtkAccessibleRole role = gtk_accessible_get_accessible_role (accessible);

  if (role_is_control (role))
    return TRUE;

  /* Anything else that takes the keyboard focus: list rows, drawn widgets,
   * lists themselves. */
  if (GTK_IS_WIDGET (accessible) &&
      gtk_widget_get_focusable (GTK_WIDGET (accessible)) &&
      gtk_widget_get_can_focus (GTK_WIDGET (accessible)) &&
      gtk_widget_is_sensitive (GTK_WIDGET (accessible)) &&
      role != GTK_ACCESSIBLE_ROLE_NONE &&
      role != GTK_ACCESSIBLE_ROLE_PRESENTATION)
    {
      /* A GtkText inside an entry is the entry's own editing part; the
       * item shown inside a drop-down's button is the drop-down's value
       * (the drop-down itself is the named combo box). */
      if (GTK_IS_TEXT (accessible) ||
          gtk_widget_get_ancestor (GTK_WIDGET (accessible), GTK_TYPE_DROP_DOWN) != NULL)
        return FALSE;
      /* A container that passes the focus on to its children (a scrolled
       * window, a list box) is not a stop of its own. */
      return !has_focusable_descendant (GTK_WIDGET (accessible));
    }

  return FALSE;
}

/* "_Cancel" or "View _Log": a mnemonic underscore before a letter. */
static gboolean
has_mnemonic (const char *name)
{
  for (const char *p = strchr (name, '_'); p != NULL; p = strchr (p + 1, '_'))
    if (g_unichar_isalpha (g_utf8_get_char (p + 1)) &&
        (p == name || g_unichar_isspace (g_utf8_get_char (g_utf8_prev_char (p)))))
      return TRUE;
  return FALSE;
}

static void
describe_path (GtkAccessible *accessible,
               GString       *out)
{
  GtkAccessible *parent = gtk_accessible_get_accessible_parent (accessible);
  GtkAccessible *node = accessible;
  GPtrArray *chain = g_ptr_array_new ();

  g_ptr_array_add (chain, (gpointer) G_OBJECT_TYPE_NAME (node));
  for (guint depth = 0; parent != NULL && depth < 3; depth++)
    {
      g_ptr_array_add (chain, (gpointer) G_OBJECT_TYPE_NAME (parent));
      node = parent;
      parent = gtk_accessible_get_accessible_parent (node);
      g_object_unref (node);
    }
  g_clear_object (&parent);

  for (guint i = chain->len; i > 0; i--)
    {
      g_string_append (out, g_ptr_array_index (chain, i - 1));
      if (i > 1)
        g_string_append (out, " > ");
    }
  if (GTK_IS_WIDGET (accessible) && gtk_widget_get_name (GTK_WIDGET (accessible)) != NULL &&
      g_strcmp0 (gtk_widget_get_name (GTK_WIDGET (accessible)), G_OBJECT_TYPE_NAME (accessible)) != 0)
    g_string_append_printf (out, " #%s", gtk_widget_get_name (GTK_WIDGET (accessible)));
  g_ptr_array_unref (chain);
}

static const char *
role_nick (GtkAccessibleRole role)
{
  GEnumClass *klass = g_type_class_ref (GTK_TYPE_ACCESSIBLE_ROLE);
  GEnumValue *value = g_enum_get_value (klass, role);
  const char *nick = value != NULL ? value->value_nick : "?";

  g_type_class_unref (klass);
  return nick;
}

void
a11y_walk (A11yWalk      *walk,
           GtkAccessible *root)
{
  GtkAccessible *child;

  if (is_hidden (root))
    return;

  walk->n_nodes++;

  if (a11y_is_interactive (root))
    {
      g_autofree char *name = a11y_dup_name (root);
      GtkAccessibleRole role = gtk_accessible_get_accessible_role (root);

      walk->n_interactive++;
      g_ptr_array_add (walk->names, g_strdup_printf ("%s: %s", role_nick (role), name));

      if (!not_just_space (name))
        {
          walk->n_unnamed++;
          g_string_append_printf (walk->problems, "unnamed %s: ", role_nick (role));
          describe_path (root, walk->problems);
          g_string_append_c (walk->problems, '\n');
        }
      else if (has_mnemonic (name))
        {
          walk->n_mnemonic++;
          g_string_append_printf (walk->problems, "mnemonic in name \"%s\" (%s): ", name, role_nick (role));
          describe_path (root, walk->problems);
          g_string_append_c (walk->problems, '\n');
        }
    }

  for (child = gtk_accessible_get_first_accessible_child (root); child != NULL;)
    {
      GtkAccessible *next;

      a11y_walk (walk, child);
      next = gtk_accessible_get_next_accessible_sibling (child);
      g_object_unref (child);
      child = next;
    }
}

void
a11y_walk_init (A11yWalk *walk)
{
  memset (walk, 0, sizeof *walk);
  walk->problems = g_string_new (NULL);
  walk->names = g_ptr_array_new_with_free_func (g_free);
}

void
a11y_walk_clear (A11yWalk *walk)
{
  g_string_free (walk->problems, TRUE);
  g_ptr_array_unref (walk->names);
}

gboolean
a11y_walk_has_name (A11yWalk   *walk,
                    const char *needle)
{
  for (guint i = 0; i < walk->names->len; i++)
    if (strstr (g_ptr_array_index (walk->names, i), needle) != NULL)
      return TRUE;
  return FALSE;
}
