/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-status-bar.c: the stacked delivery bar of the dashboard, the campaign
 * log and the campaign window, drawn with GtkSnapshot. Segment colours are
 * the named colours style.css defines (sr_delivered_color, …), which follow
 * libadwaita's light and dark palettes. The tooltip names each segment; it
 * is given when asked for (query-tooltip), as the status pill's: setting a
 * tooltip text looks for the widget under the pointer, a round trip to the X
 * server each time a bar is bound or filled.
 */
#define G_LOG_DOMAIN "sr-status-bar"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sr-format.h"
#include "sr-status-bar.h"

struct _SrStatusBar
{
  GtkWidget parent_instance;

  gint64    by_group[SR_N_STATUS_GROUPS];
  gint64    total;
  char     *tooltip;
};

G_DEFINE_FINAL_TYPE (SrStatusBar, sr_status_bar, GTK_TYPE_WIDGET)

/* Drawing order: good news first, like the legend. */
static const SrStatusGroup group_order[SR_N_STATUS_GROUPS] = {
  SR_STATUS_GROUP_DELIVERED,
  SR_STATUS_GROUP_UNCONFIRMED,
  SR_STATUS_GROUP_PENDING,
  SR_STATUS_GROUP_FAILED,
  SR_STATUS_GROUP_NOT_SENT,
  SR_STATUS_GROUP_OTHER,
};

static const struct {
  const char *color_name;
  const char *style_class;
  const char *fallback;
} group_colors[SR_N_STATUS_GROUPS] = {
  [SR_STATUS_GROUP_DELIVERED]   = { "sr_delivered_color",   "delivered",   "#2ec27e" },
  [SR_STATUS_GROUP_UNCONFIRMED] = { "sr_unconfirmed_color", "unconfirmed", "#3584e4" },
  [SR_STATUS_GROUP_PENDING]     = { "sr_pending_color",     "pending",     "#e5a50a" },
  [SR_STATUS_GROUP_FAILED]      = { "sr_failed_color",      "failed",      "#e01b24" },
  [SR_STATUS_GROUP_NOT_SENT]    = { "sr_not_sent_color",    "not-sent",    "#9a9996" },
  [SR_STATUS_GROUP_OTHER]       = { "sr_other_color",       "other",       "#c0bfbc" },
};

const char *
sr_status_bar_group_style_class (SrStatusGroup group)
{
  g_return_val_if_fail (group < SR_N_STATUS_GROUPS, "other");

  return group_colors[group].style_class;
}

void
sr_lookup_named_color (GtkWidget  *widget,
                       const char *name,
                       const char *fallback,
                       GdkRGBA    *out_color)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (name != NULL);
  g_return_if_fail (out_color != NULL);

  /* GTK deprecated gtk_style_context_lookup_color() in 4.10 without a
   * replacement: there is no other call that reads a named colour of the
   * theme (@success_color, @sr_delivered_color…) for custom drawing, and
   * hard-coding libadwaita's palette would miss high contrast and accent
   * colours. This is the one use of it, guarded here on purpose; everything
   * else of GtkStyleContext is gone. */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  {
    GtkStyleContext *context = gtk_widget_get_style_context (widget);

    if (!gtk_style_context_lookup_color (context, name, out_color))
      gdk_rgba_parse (out_color, fallback != NULL ? fallback : "#808080");
  }
  G_GNUC_END_IGNORE_DEPRECATIONS
}

void
sr_status_group_lookup_color (GtkWidget     *widget,
                              SrStatusGroup  group,
                              GdkRGBA       *out_color)
{
  g_return_if_fail (group < SR_N_STATUS_GROUPS);

  sr_lookup_named_color (widget, group_colors[group].color_name, group_colors[group].fallback, out_color);
}

void
sr_lookup_foreground_color (GtkWidget *widget,
                            GdkRGBA   *out_color)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));

  gtk_widget_get_color (widget, out_color);
}

static void
sr_status_bar_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  SrStatusBar *self = SR_STATUS_BAR (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GskRoundedRect outline;
  float x = 0;
  GdkRGBA trough;

  if (width <= 0 || height <= 0)
    return;

  gsk_rounded_rect_init_from_rect (&outline, &GRAPHENE_RECT_INIT (0, 0, width, height), height / 2.0f);
  gtk_snapshot_push_rounded_clip (snapshot, &outline);

  sr_lookup_named_color (widget, "sr_trough_color", "rgba(0,0,0,0.1)", &trough);
  gtk_snapshot_append_color (snapshot, &trough, &GRAPHENE_RECT_INIT (0, 0, width, height));

  if (self->total > 0)
    {
      for (guint i = 0; i < G_N_ELEMENTS (group_order); i++)
        {
          SrStatusGroup group = group_order[i];
          float w;
          GdkRGBA color;

          if (self->by_group[group] <= 0)
            continue;

          w = (float) width * (float) self->by_group[group] / (float) self->total;
          /* Keep tiny but non-zero groups visible. */
          if (w < 2.0f)
            w = 2.0f;
          if (x + w > width)
            w = width - x;

          sr_status_group_lookup_color (widget, group, &color);
          gtk_snapshot_append_color (snapshot, &color, &GRAPHENE_RECT_INIT (x, 0, w, height));
          x += w;
        }
    }

  gtk_snapshot_pop (snapshot);
}

static void
sr_status_bar_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 24;
      *natural = 120;
    }
  else
    {
      *minimum = 6;
      *natural = 8;
    }
}

static void
update_tooltip (SrStatusBar *self)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (self->total == 0)
    {
      g_free (self->tooltip);
      self->tooltip = g_strdup (_("No messages"));
      /* Not the breakdown of the previous figures. */
      gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, _("No messages"),
                                      -1);
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (group_order); i++)
    {
      SrStatusGroup group = group_order[i];
      g_autofree char *count = NULL;
      g_autofree char *percent = NULL;

      if (self->by_group[group] == 0)
        continue;

      count = sr_format_count (self->by_group[group]);
      percent = sr_format_percent ((double) self->by_group[group] / (double) self->total);
      if (text->len > 0)
        g_string_append_c (text, '\n');
      /* Translators: one line of a status bar tooltip: "Delivered: 1,234 (45.0 %)" */
      g_string_append_printf (text, _("%s: %s (%s)"), sr_status_group_get_label (group), count, percent);
    }

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text->str,
                                  -1);
  g_free (self->tooltip);
  self->tooltip = g_string_free (g_steal_pointer (&text), FALSE);
}

static gboolean
sr_status_bar_query_tooltip (GtkWidget  *widget,
                             int         x,
                             int         y,
                             gboolean    keyboard_mode,
                             GtkTooltip *tooltip)
{
  SrStatusBar *self = SR_STATUS_BAR (widget);

  if (self->tooltip == NULL)
    return FALSE;

  gtk_tooltip_set_text (tooltip, self->tooltip);
  return TRUE;
}

static void
sr_status_bar_finalize (GObject *object)
{
  SrStatusBar *self = SR_STATUS_BAR (object);

  g_free (self->tooltip);

  G_OBJECT_CLASS (sr_status_bar_parent_class)->finalize (object);
}

static void
sr_status_bar_class_init (SrStatusBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = sr_status_bar_finalize;
  widget_class->snapshot = sr_status_bar_snapshot;
  widget_class->measure = sr_status_bar_measure;
  widget_class->query_tooltip = sr_status_bar_query_tooltip;

  gtk_widget_class_set_css_name (widget_class, "deliverybar");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
sr_status_bar_init (SrStatusBar *self)
{
  gtk_widget_set_valign (GTK_WIDGET (self), GTK_ALIGN_CENTER);
  /* The name says what the bar is; the description has the figures. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Messages by status"),
                                  -1);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  update_tooltip (self);
}

GtkWidget *
sr_status_bar_new (void)
{
  return g_object_new (SR_TYPE_STATUS_BAR, NULL);
}

void
sr_status_bar_set_counts (SrStatusBar  *self,
                          const gint64 *by_group)
{
  gint64 total = 0;

  g_return_if_fail (SR_IS_STATUS_BAR (self));
  g_return_if_fail (by_group != NULL);

  if (memcmp (self->by_group, by_group, sizeof self->by_group) == 0)
    return;

  for (guint i = 0; i < SR_N_STATUS_GROUPS; i++)
    {
      self->by_group[i] = MAX (by_group[i], 0);
      total += self->by_group[i];
    }
  self->total = total;

  update_tooltip (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gint64
sr_status_bar_get_count (SrStatusBar   *self,
                         SrStatusGroup  group)
{
  g_return_val_if_fail (SR_IS_STATUS_BAR (self), 0);
  g_return_val_if_fail (group < SR_N_STATUS_GROUPS, 0);

  return self->by_group[group];
}

gint64
sr_status_bar_get_total (SrStatusBar *self)
{
  g_return_val_if_fail (SR_IS_STATUS_BAR (self), 0);

  return self->total;
}
