/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-status-pill.c: the coloured status label used in every list, the
 * message detail, the campaign window and the legend. Colours come from
 * style.css (libadwaita's named colours), keyed by sr_status_get_style_class().
 */
#define G_LOG_DOMAIN "sr-status-pill"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "sr-cells.h"
#include "sr-status-pill.h"

/* The pill draws its text itself, without a GtkLabel: a log has a pill
 * in every row and GTK measures ~200 rows at a jump. Its width is the
 * width of its text, measured once per text and style
 * (sr_cell_measure_text()); the text is laid out only when drawn. In a
 * log's column it is as wide as the widest status name (uniform): a jump
 * binds ~200 pills, and a pill that changed its width made GTK measure
 * every row of the list again, in every frame that showed new rows. */
#define N_SIZES 6

struct _SrStatusPill
{
  GtkWidget  parent_instance;

  char        *text;
  SrCellText   layout;       /* found or made on the first draw */
  /* Sizes of the texts it showed (interned), for measure(): a pill in a
   * list shows one of a few statuses. */
  const char  *sizes_text[N_SIZES];
  SrTextMemo   sizes[N_SIZES];
  SrTextMemo   ellipsis_size;
  /* The status classes set colours only (style.css): the restyle that
   * follows a swap of them keeps the sizes remembered. */
  gboolean     class_swapped;
  gboolean     blank;        /* drawn not at all (opacity 0) */
  gboolean     uniform;
  SrTextMemo   uniform_size; /* the widest status name */

  SrStatus   status;
  const char *style_class;   /* static string from sr_status_get_style_class() */
  char      *tooltip;        /* owned, shown by query_tooltip */
};

G_DEFINE_FINAL_TYPE (SrStatusPill, sr_status_pill, GTK_TYPE_WIDGET)

static void
sr_status_pill_dispose (GObject *object)
{
  SrStatusPill *self = SR_STATUS_PILL (object);

  g_clear_pointer (&self->tooltip, g_free);
  g_clear_pointer (&self->text, g_free);
  sr_cell_text_clear (&self->layout);

  G_OBJECT_CLASS (sr_status_pill_parent_class)->dispose (object);
}

/* The tooltip is given when asked for: gtk_widget_set_tooltip_text() looks
 * for the widget under the pointer (a round trip to the display server) each
 * time, and list rows set a status hundreds of times on a long scroll. */
static gboolean
sr_status_pill_query_tooltip (GtkWidget  *widget,
                              int         x,
                              int         y,
                              gboolean    keyboard_mode,
                              GtkTooltip *tooltip)
{
  SrStatusPill *self = SR_STATUS_PILL (widget);

  if (self->tooltip == NULL)
    return FALSE;

  gtk_tooltip_set_text (tooltip, self->tooltip);
  return TRUE;
}

static void
clear_sizes (SrStatusPill *self)
{
  for (guint i = 0; i < N_SIZES; i++)
    sr_text_memo_clear (&self->sizes[i]);
  sr_text_memo_clear (&self->ellipsis_size);
  sr_text_memo_clear (&self->uniform_size);
}

/* The width of the widest name of a status, remembered. */
static int
uniform_width (SrStatusPill *self)
{
  static const char *names[SR_N_STATUSES + 1];
  int width = 0;

  if (names[0] == NULL)
    for (SrStatus status = 0; status < SR_N_STATUSES; status++)
      names[status] = sr_status_get_label (status);
  sr_cell_memo_measure_widest (GTK_WIDGET (self), &self->uniform_size, names, &width);
  return width;
}

/* The memo of the text shown: the one kept for it, or the oldest. */
static SrTextMemo *
text_size_memo (SrStatusPill *self)
{
  const char *text = g_intern_string (self->text != NULL ? self->text : "");
  guint i;

  for (i = 0; i < N_SIZES; i++)
    if (self->sizes_text[i] == text)
      return &self->sizes[i];

  memmove (&self->sizes_text[1], &self->sizes_text[0], (N_SIZES - 1) * sizeof self->sizes_text[0]);
  memmove (&self->sizes[1], &self->sizes[0], (N_SIZES - 1) * sizeof self->sizes[0]);
  self->sizes_text[0] = text;
  sr_text_memo_clear (&self->sizes[0]);
  return &self->sizes[0];
}

static void
sr_status_pill_measure (GtkWidget      *widget,
                        GtkOrientation  orientation,
                        int             for_size,
                        int            *minimum,
                        int            *natural,
                        int            *minimum_baseline,
                        int            *natural_baseline)
{
  SrStatusPill *self = SR_STATUS_PILL (widget);
  int width = 0, height = 0;

  sr_cell_memo_measure_text (widget, text_size_memo (self), self->text != NULL ? self->text : "", &width, &height);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      int ellipsis = 0;

      /* Ellipsized when it has to (a narrow window), as a label would. */
      sr_cell_memo_measure_text (widget, &self->ellipsis_size, "…", &ellipsis, NULL);
      /* (the name of a status the app does not know may be wider) */
      if (self->uniform)
        width = MAX (width, uniform_width (self));
      *minimum = MIN (ellipsis, width);
      *natural = width;
    }
  else
    *minimum = *natural = height;
}

static void
sr_status_pill_snapshot (GtkWidget   *widget,
                         GtkSnapshot *snapshot)
{
  SrStatusPill *self = SR_STATUS_PILL (widget);

  sr_cell_draw_text (widget, snapshot, &self->layout, self->text, PANGO_ALIGN_CENTER);
}

static void
sr_status_pill_css_changed (GtkWidget         *widget,
                            GtkCssStyleChange *change)
{
  SrStatusPill *self = SR_STATUS_PILL (widget);

  GTK_WIDGET_CLASS (sr_status_pill_parent_class)->css_changed (widget, change);

  if (self->class_swapped)
    self->class_swapped = FALSE;
  else
    clear_sizes (self);
  /* Cheap (the key leaves the status classes out): a swap of them may
   * share its restyle with a change that matters. */
  sr_cell_text_style_changed (&self->layout);
}

static void
sr_status_pill_class_init (SrStatusPillClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sr_status_pill_dispose;
  widget_class->query_tooltip = sr_status_pill_query_tooltip;
  widget_class->measure = sr_status_pill_measure;
  widget_class->snapshot = sr_status_pill_snapshot;
  widget_class->css_changed = sr_status_pill_css_changed;
  gtk_widget_class_set_css_name (widget_class, "statuspill");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_STATUS);
}

static void
sr_status_pill_init (SrStatusPill *self)
{
  /* No template and no child: a log binds a pill per row (a jump makes
   * ~200 at once). */
  gtk_widget_set_halign (GTK_WIDGET (self), GTK_ALIGN_START);
  gtk_widget_set_valign (GTK_WIDGET (self), GTK_ALIGN_CENTER);
  self->status = SR_STATUS_UNKNOWN;
  /* The status classes set colours only: all pills of a list share
   * their layouts. */
  self->layout.colour_classes = TRUE;
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
}

GtkWidget *
sr_status_pill_new (void)
{
  return g_object_new (SR_TYPE_STATUS_PILL, NULL);
}

void
sr_status_pill_set_status (SrStatusPill *self,
                           SrStatus      status,
                           const char   *raw)
{
  const char *style_class;
  g_autofree char *text = NULL;
  char *tooltip = NULL;
  gboolean was_unknown;

  g_return_if_fail (SR_IS_STATUS_PILL (self));

  was_unknown = self->status == SR_STATUS_UNKNOWN;

  /* Rows bind the same few statuses over and over: a known status shown
   * already needs nothing (an unknown one's tooltip has its raw value). */
  if (self->blank)
    {
      self->blank = FALSE;
      gtk_widget_set_opacity (GTK_WIDGET (self), 1.0);
    }
  else if (status == self->status && status != SR_STATUS_UNKNOWN && self->text != NULL)
    return;

  style_class = sr_status_get_style_class (status);
  if (self->style_class != style_class)
    {
      if (self->style_class != NULL)
        gtk_widget_remove_css_class (GTK_WIDGET (self), self->style_class);
      self->style_class = style_class;
      if (style_class != NULL)
        gtk_widget_add_css_class (GTK_WIDGET (self), style_class);
      self->class_swapped = TRUE;
    }

  self->status = status;

  /* An unknown status gets a readable name; the value as received is in
   * the tooltip (and in the details and exports). */
  text = sr_status_dup_display_name (status, raw);
  if (status == SR_STATUS_UNKNOWN && raw != NULL && *raw != '\0')
    /* Translators: tooltip of a status SMS Reports does not know, %s is the status as received */
    tooltip = g_strdup_printf (_("Reported as “%s”. %s"), raw, sr_status_get_description (status));
  else
    tooltip = g_strdup (sr_status_get_description (status));

  if (g_strcmp0 (self->text, text) != 0)
    {
      g_free (self->text);
      self->text = g_steal_pointer (&text);
      sr_cell_text_changed (&self->layout);
      /* Another text is another width; a uniform pill's width changes
       * only with the name of a status it does not know. */
      if (!self->uniform || status == SR_STATUS_UNKNOWN || was_unknown)
        gtk_widget_queue_resize (GTK_WIDGET (self));
      else
        gtk_widget_queue_draw (GTK_WIDGET (self));
    }
  g_free (self->tooltip);
  self->tooltip = tooltip;
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, self->text,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, sr_status_get_description (status),
                                  -1);
}

void
sr_status_pill_set_blank (SrStatusPill *self)
{
  g_return_if_fail (SR_IS_STATUS_PILL (self));

  if (self->blank)
    return;

  /* GTK draws nothing of a widget with no opacity, not even its
   * background; its size stays (no new layout of the row). */
  self->blank = TRUE;
  gtk_widget_set_opacity (GTK_WIDGET (self), 0.0);
  gtk_accessible_reset_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL);
  gtk_accessible_reset_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
}

void
sr_status_pill_set_uniform (SrStatusPill *self,
                            gboolean      uniform)
{
  g_return_if_fail (SR_IS_STATUS_PILL (self));

  if (self->uniform == !!uniform)
    return;
  self->uniform = !!uniform;
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

PangoLayout *
sr_status_pill_get_layout (SrStatusPill *self)
{
  g_return_val_if_fail (SR_IS_STATUS_PILL (self), NULL);

  return self->layout.layout;
}

SrStatus
sr_status_pill_get_status (SrStatusPill *self)
{
  g_return_val_if_fail (SR_IS_STATUS_PILL (self), SR_STATUS_UNKNOWN);

  return self->status;
}

const char *
sr_status_pill_get_text (SrStatusPill *self)
{
  g_return_val_if_fail (SR_IS_STATUS_PILL (self), NULL);

  return self->text;
}
