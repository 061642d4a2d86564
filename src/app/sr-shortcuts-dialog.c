/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-shortcuts-dialog.c: lists the keyboard shortcuts. GTK 4.18 deprecates
 * GtkShortcutsWindow (and GtkShortcutLabel with it) and its successor,
 * AdwShortcutsDialog, only arrives in libadwaita 1.8, after this app's
 * baseline. So the list is a plain AdwDialog of preference rows: it follows
 * the main window like the other dialogs, reflows on a phone, and the key
 * names come from gtk_accelerator_get_label(), so they are translated and
 * match the keyboard's platform conventions.
 */
#define G_LOG_DOMAIN "sr-shortcuts-dialog"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sr-shortcuts-dialog.h"

struct _SrShortcutsDialog
{
  AdwDialog           parent_instance;

  AdwPreferencesPage *page;

  guint               n_shortcuts;
};

G_DEFINE_FINAL_TYPE (SrShortcutsDialog, sr_shortcuts_dialog, ADW_TYPE_DIALOG)

typedef struct
{
  const char *title;        /* NULL starts a group named by accelerators */
  const char *accelerators; /* space-separated alternatives */
} Shortcut;

static const Shortcut shortcuts[] = {
  { NULL, NC_("shortcut window", "General") },
  { NC_("shortcut window", "Sync now"), "<Control>r F5" },
  { NC_("shortcut window", "Search"), "<Control>f" },
  { NC_("shortcut window", "Preferences"), "<Control>comma" },
  { NC_("shortcut window", "Keyboard shortcuts"), "<Control>question" },
  { NC_("shortcut window", "Close window"), "<Control>w" },
  { NC_("shortcut window", "Quit"), "<Control>q" },
  { NULL, NC_("shortcut window", "Pages") },
  { NC_("shortcut window", "Dashboard"), "<Alt>1" },
  { NC_("shortcut window", "Messages Log"), "<Alt>2" },
  { NC_("shortcut window", "Campaign Log"), "<Alt>3" },
  { NC_("shortcut window", "Move to the sidebar, the filters or the list"), "F6" },
  { NC_("shortcut window", "Move back among the sidebar, the filters and the list"), "<Shift>F6" },
  { NULL, NC_("shortcut window", "Reports") },
  { NC_("shortcut window", "Open the selected message or campaign"), "Return" },
  { NC_("shortcut window", "Close a detail window"), "Escape" },
  { NC_("shortcut window", "Select all messages"), "<Control>a" },
  { NC_("shortcut window", "Copy the selected messages as tab-separated text"), "<Control>c" },
  { NC_("shortcut window", "Export the Messages Log or Campaign Log as CSV"), "<Control>e" },
};

/* One accelerator as a row of key caps: "Ctrl" "R". */
static GtkWidget *
keys_new (const char *accelerator)
{
  g_autofree char *label = NULL;
  g_auto(GStrv) keys = NULL;
  GdkModifierType mods;
  guint key;
  GtkWidget *box;

  if (!gtk_accelerator_parse (accelerator, &key, &mods))
    g_return_val_if_reached (NULL);

  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  label = gtk_accelerator_get_label (key, mods);
  keys = g_strsplit (label, "+", -1);
  for (guint i = 0; keys[i] != NULL; i++)
    {
      GtkWidget *cap = gtk_label_new (keys[i]);

      gtk_widget_add_css_class (cap, "keycap");
      gtk_box_append (GTK_BOX (box), cap);
    }

  gtk_accessible_update_property (GTK_ACCESSIBLE (box),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  return box;
}

static void
sr_shortcuts_dialog_class_init (SrShortcutsDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/sr-shortcuts-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, SrShortcutsDialog, page);
}

static void
sr_shortcuts_dialog_init (SrShortcutsDialog *self)
{
  AdwPreferencesGroup *group = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint i = 0; i < G_N_ELEMENTS (shortcuts); i++)
    {
      g_auto(GStrv) alternatives = NULL;
      GtkWidget *row;
      GtkWidget *keys;

      if (shortcuts[i].title == NULL)
        {
          group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
          adw_preferences_group_set_title (group, g_dpgettext2 (NULL, "shortcut window", shortcuts[i].accelerators));
          adw_preferences_page_add (self->page, group);
          continue;
        }

      g_assert (group != NULL);

      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     g_dpgettext2 (NULL, "shortcut window", shortcuts[i].title));
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);

      /* Alternatives stack up so a long title keeps the row's width. */
      keys = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
      gtk_widget_set_valign (keys, GTK_ALIGN_CENTER);
      alternatives = g_strsplit (shortcuts[i].accelerators, " ", -1);
      for (guint j = 0; alternatives[j] != NULL; j++)
        {
          GtkWidget *caps = keys_new (alternatives[j]);

          gtk_widget_set_halign (caps, GTK_ALIGN_END);
          gtk_box_append (GTK_BOX (keys), caps);
        }
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), keys);

      adw_preferences_group_add (group, row);
      self->n_shortcuts++;
    }
}

GtkWidget *
sr_shortcuts_dialog_new (void)
{
  return g_object_new (SR_TYPE_SHORTCUTS_DIALOG, NULL);
}

guint
sr_shortcuts_dialog_get_n_shortcuts (SrShortcutsDialog *self)
{
  g_return_val_if_fail (SR_IS_SHORTCUTS_DIALOG (self), 0);

  return self->n_shortcuts;
}
