/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-selection.c: GtkSelectionModel over positions only.
 *
 * GTK 4.8's GtkMultiSelection remembers the selected *items* so that a
 * selection survives reordering: selecting a range fetches every item in
 * it. On SrMessageList that turns Ctrl+A on a million messages into a
 * million row fetches and objects. Here the selection is a GtkBitset of
 * positions, moved along with items-changed; rows replaced by a reload
 * simply leave the selection, which is what a report view expects.
 */
#define G_LOG_DOMAIN "sr-selection"

#include "config.h"

#include "sr-selection.h"

struct _SrSelection
{
  GObject     parent_instance;

  GListModel *model;      /* owned, may be NULL */
  GtkBitset  *selected;   /* positions */
};

static void sr_selection_list_model_init      (GListModelInterface        *iface);
static void sr_selection_selection_model_init (GtkSelectionModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SrSelection, sr_selection, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      sr_selection_list_model_init)
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_SELECTION_MODEL,
                                                      sr_selection_selection_model_init))

enum {
  PROP_0,
  PROP_MODEL,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GType
sr_selection_get_item_type (GListModel *list)
{
  SrSelection *self = SR_SELECTION (list);

  return self->model != NULL ? g_list_model_get_item_type (self->model) : G_TYPE_OBJECT;
}

static guint
sr_selection_get_n_items (GListModel *list)
{
  SrSelection *self = SR_SELECTION (list);

  return self->model != NULL ? g_list_model_get_n_items (self->model) : 0;
}

static gpointer
sr_selection_get_item (GListModel *list,
                       guint       position)
{
  SrSelection *self = SR_SELECTION (list);

  return self->model != NULL ? g_list_model_get_item (self->model, position) : NULL;
}

static void
sr_selection_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = sr_selection_get_item_type;
  iface->get_n_items = sr_selection_get_n_items;
  iface->get_item = sr_selection_get_item;
}

static gboolean
sr_selection_is_selected (GtkSelectionModel *model,
                          guint              position)
{
  SrSelection *self = SR_SELECTION (model);

  return gtk_bitset_contains (self->selected, position);
}

static GtkBitset *
sr_selection_get_selection_in_range (GtkSelectionModel *model,
                                     guint              position,
                                     guint              n_items)
{
  SrSelection *self = SR_SELECTION (model);

  return gtk_bitset_ref (self->selected);
}

static gboolean
sr_selection_set_selection (GtkSelectionModel *model,
                            GtkBitset         *selected,
                            GtkBitset         *mask)
{
  SrSelection *self = SR_SELECTION (model);
  g_autoptr(GtkBitset) changes = gtk_bitset_copy (self->selected);
  g_autoptr(GtkBitset) added = gtk_bitset_copy (selected);
  guint min, max;

  /* What flips: (old XOR new) within the mask. */
  gtk_bitset_difference (changes, selected);
  gtk_bitset_intersect (changes, mask);

  gtk_bitset_subtract (self->selected, mask);
  gtk_bitset_intersect (added, mask);
  gtk_bitset_union (self->selected, added);

  if (gtk_bitset_is_empty (changes))
    return TRUE;

  min = gtk_bitset_get_minimum (changes);
  max = gtk_bitset_get_maximum (changes);
  gtk_selection_model_selection_changed (model, min, max - min + 1);

  return TRUE;
}

static void
sr_selection_selection_model_init (GtkSelectionModelInterface *iface)
{
  iface->is_selected = sr_selection_is_selected;
  iface->get_selection_in_range = sr_selection_get_selection_in_range;
  iface->set_selection = sr_selection_set_selection;
}

static void
on_items_changed_cb (SrSelection *self,
                     guint        position,
                     guint        removed,
                     guint        added,
                     GListModel  *model)
{
  gtk_bitset_splice (self->selected, position, removed, added);
  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
  if (removed != added)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

static void
sr_selection_dispose (GObject *object)
{
  SrSelection *self = SR_SELECTION (object);

  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  g_clear_object (&self->model);

  G_OBJECT_CLASS (sr_selection_parent_class)->dispose (object);
}

static void
sr_selection_finalize (GObject *object)
{
  SrSelection *self = SR_SELECTION (object);

  g_clear_pointer (&self->selected, gtk_bitset_unref);

  G_OBJECT_CLASS (sr_selection_parent_class)->finalize (object);
}

static void
sr_selection_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  SrSelection *self = SR_SELECTION (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      g_value_set_object (value, self->model);
      break;
    case PROP_N_ITEMS:
      g_value_set_uint (value, sr_selection_get_n_items (G_LIST_MODEL (self)));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sr_selection_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  SrSelection *self = SR_SELECTION (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      sr_selection_set_model (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sr_selection_class_init (SrSelectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sr_selection_dispose;
  object_class->finalize = sr_selection_finalize;
  object_class->get_property = sr_selection_get_property;
  object_class->set_property = sr_selection_set_property;

  properties[PROP_MODEL] =
    g_param_spec_object ("model", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sr_selection_init (SrSelection *self)
{
  self->selected = gtk_bitset_new_empty ();
}

SrSelection *
sr_selection_new (GListModel *model)
{
  g_return_val_if_fail (!model || G_IS_LIST_MODEL (model), NULL);

  return g_object_new (SR_TYPE_SELECTION, "model", model, NULL);
}

GListModel *
sr_selection_get_model (SrSelection *self)
{
  g_return_val_if_fail (SR_IS_SELECTION (self), NULL);

  return self->model;
}

void
sr_selection_set_model (SrSelection *self,
                        GListModel  *model)
{
  guint n_before, n_after;

  g_return_if_fail (SR_IS_SELECTION (self));
  g_return_if_fail (!model || G_IS_LIST_MODEL (model));

  if (self->model == model)
    return;

  n_before = sr_selection_get_n_items (G_LIST_MODEL (self));

  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  g_set_object (&self->model, model);
  if (model != NULL)
    g_signal_connect_object (model, "items-changed",
                             G_CALLBACK (on_items_changed_cb),
                             self, G_CONNECT_SWAPPED);

  gtk_bitset_remove_all (self->selected);
  n_after = sr_selection_get_n_items (G_LIST_MODEL (self));

  if (n_before > 0 || n_after > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, n_before, n_after);
  if (n_before != n_after)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
}
