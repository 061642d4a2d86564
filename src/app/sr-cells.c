/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-cells.c: the shared cells of the report views (see sr-cells.h).
 */
#define G_LOG_DOMAIN "sr-cells"

#include "config.h"

#include <math.h>
#include <string.h>

#include "sr-cells.h"
#include "sr-format.h"
#include "sr-status-pill.h"

/* A cell is one line of text drawn by a widget of its own (SrCell), not a
 * GtkLabel: a jump in a long log binds ~200 rows of 9 cells at once and
 * GTK measures every row, but only the ~20 rows in view are drawn.
 *
 * - Its height comes from the font alone (ascent + descent, what a
 *   GtkInscription asks for), remembered per style (the cell's style
 *   classes) until the text settings change, so a new or rebound cell
 *   costs no text measuring; its width comes from its column.
 * - Its text is shaped only when the cell is drawn, ellipsized to the
 *   width it has, into a PangoLayout shared with every cell of its style
 *   that shows the same text at the same width (below): a log shows a
 *   campaign's message, a few statuses, senders and prices on many rows,
 *   and shaping was most of drawing rows that came into view. The cell
 *   makes no PangoContext of its own (that was half the cost of a new
 *   row).
 * - A new text only asks for a redraw, never a new size.
 * GtkLabel measured and ellipsized each cell's text on every bind, and
 * GtkInscription makes its layout (and context) when it is created: both
 * were most of the main thread's time of a jump (docs/ARCHITECTURE.md). */
struct _SrCell
{
  GtkWidget    parent_instance;

  char        *text;
  SrCellText   layout;        /* found or made on the first draw */
  float        xalign;
  int          min_chars;
  SrTextMemo   font;          /* the font's size, for measure() */
};

G_DEFINE_FINAL_TYPE (SrCell, sr_cell, GTK_TYPE_WIDGET)

/* Sizes of text per style (the widget's style classes and scale, and
 * those of the list it is in) and, for a given text, per text: line height and approximate character
 * width, or the text's own extents, in Pango units. Emptied when the text
 * settings change (large text). */
typedef struct
{
  int width;
  int height;
} TextSize;

static GHashTable *size_cache;   /* "style key\ttext" → TextSize */
/* Bumped when size_cache is emptied: every SrTextMemo is then stale. */
static guint size_generation = 1;

/* The shared layouts (sr_cell_draw_text()), per style key. */
typedef struct
{
  PangoContext *context;   /* made from the first widget of the style */
  GHashTable   *young;     /* "width align text" → PangoLayout */
  GHashTable   *old;       /* the young ones of before: looked up, moved back */
} LayoutStyle;

static GHashTable *layout_styles;   /* GQuark of the style key → LayoutStyle */

/* GTK sizes and draws again, on a change of the text settings, only the
 * widgets with a PangoContext of their own: cells and pills have none. */
static void
queue_resize_cells (GtkWidget *widget)
{
  if (SR_IS_CELL (widget) || SR_IS_STATUS_PILL (widget))
    gtk_widget_queue_resize (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    queue_resize_cells (child);
}

static void
on_text_settings_changed_cb (void)
{
  g_autoptr(GList) toplevels = NULL;

  if (size_cache != NULL)
    g_hash_table_remove_all (size_cache);
  if (layout_styles != NULL)
    g_hash_table_remove_all (layout_styles);
  size_generation++;

  toplevels = gtk_window_list_toplevels ();
  for (GList *l = toplevels; l != NULL; l = l->next)
    queue_resize_cells (l->data);
}

/* What changes the font of every cell (GNOME's text scaling, the font,
 * the theme) or how text is drawn (hinting, antialiasing): sizes and
 * layouts made before are forgotten. (A cell's font must depend only on
 * what its style key holds: its own type and classes, its list's and the
 * list's parent's; style.css sets no font between a cell and its list.) */
static void
watch_text_settings (GtkWidget *widget)
{
  static const char * const names[] = {
    "gtk-xft-dpi", "gtk-font-name", "gtk-hint-font-metrics", "gtk-xft-antialias",
    "gtk-xft-hinting", "gtk-xft-hintstyle", "gtk-xft-rgba", "gtk-font-rendering",
    "gtk-theme-name",
  };
  static gboolean watching;
  GtkSettings *settings;

  if (watching)
    return;
  watching = TRUE;
  settings = gtk_widget_get_settings (widget);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_object_class_find_property (G_OBJECT_GET_CLASS (settings), names[i]) != NULL)
      {
        g_autofree char *signal = g_strconcat ("notify::", names[i], NULL);

        g_signal_connect (settings, signal, G_CALLBACK (on_text_settings_changed_cb), NULL);
      }
}

static void
append_classes (GString   *key,
                GtkWidget *widget)
{
  g_auto(GStrv) classes = gtk_widget_get_css_classes (widget);

  g_string_append_printf (key, " %s", G_OBJECT_TYPE_NAME (widget));
  for (guint i = 0; classes != NULL && classes[i] != NULL; i++)
    g_string_append_printf (key, ".%s", classes[i]);
}

/* What decides the font: the widget's style and, since sizes may be
 * relative (em), the list it is in. NULL outside a list: measured each
 * time, not remembered. */
static GString *
new_style_key (GtkWidget *widget,
               gboolean   own_classes)
{
  GtkWidget *list = gtk_widget_get_ancestor (widget, GTK_TYPE_LIST_VIEW);
  GString *key;

  if (list == NULL)
    return NULL;

  key = g_string_new (NULL);
  g_string_append_printf (key, "%d", gtk_widget_get_scale_factor (widget));
  if (own_classes)
    append_classes (key, widget);
  else
    g_string_append_printf (key, " %s", G_OBJECT_TYPE_NAME (widget));
  append_classes (key, list);
  if (gtk_widget_get_parent (list) != NULL)
    append_classes (key, gtk_widget_get_parent (list));
  return key;
}

static void
measure_size (GtkWidget  *widget,
              const char *text,
              TextSize   *size)
{
  if (text == NULL)
    {
      PangoFontMetrics *font = pango_context_get_metrics (gtk_widget_get_pango_context (widget), NULL, NULL);

      size->height = pango_font_metrics_get_ascent (font) + pango_font_metrics_get_descent (font);
      size->width = MAX (pango_font_metrics_get_approximate_char_width (font),
                         pango_font_metrics_get_approximate_digit_width (font));
      pango_font_metrics_unref (font);
    }
  else
    {
      g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, text);

      pango_layout_get_size (layout, &size->width, &size->height);
    }
}

/* *remembered: whether the size is kept (the widget is in a list) */
static TextSize
lookup_size (GtkWidget  *widget,
             const char *text,
             gboolean   *remembered)
{
  g_autoptr(GString) key = new_style_key (widget, TRUE);
  TextSize *size;
  TextSize measured;

  if (remembered != NULL)
    *remembered = key != NULL;
  if (key == NULL)
    {
      measure_size (widget, text, &measured);
      return measured;
    }

  if (size_cache == NULL)
    {
      size_cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      watch_text_settings (widget);
    }

  g_string_append_c (key, '\t');
  if (text != NULL)
    g_string_append (key, text);
  size = g_hash_table_lookup (size_cache, key->str);
  if (size == NULL)
    {
      size = g_new0 (TextSize, 1);
      measure_size (widget, text, size);
      g_hash_table_insert (size_cache, g_string_free (g_steal_pointer (&key), FALSE), size);
    }

  return *size;
}

void
sr_cell_measure_text (GtkWidget  *widget,
                      const char *text,
                      int        *width,
                      int        *height)
{
  TextSize size = lookup_size (widget, text, NULL);

  if (width != NULL)
    *width = PANGO_PIXELS_CEIL (size.width);
  if (height != NULL)
    *height = PANGO_PIXELS_CEIL (size.height);
}

/* The memo in Pango units (sr_cell_memo_measure_text() gives pixels). */
static TextSize
memo_lookup (GtkWidget  *widget,
             SrTextMemo *memo,
             const char *text)
{
  int scale = gtk_widget_get_scale_factor (widget);
  TextSize size;
  gboolean remembered;

  if (memo->generation == size_generation && memo->scale == scale)
    return (TextSize) { memo->width, memo->height };

  size = lookup_size (widget, text, &remembered);
  if (remembered)
    *memo = (SrTextMemo) { size_generation, scale, size.width, size.height };
  return size;
}

void
sr_cell_memo_measure_text (GtkWidget  *widget,
                           SrTextMemo *memo,
                           const char *text,
                           int        *width,
                           int        *height)
{
  TextSize size = memo_lookup (widget, memo, text);

  if (width != NULL)
    *width = PANGO_PIXELS_CEIL (size.width);
  if (height != NULL)
    *height = PANGO_PIXELS_CEIL (size.height);
}

void
sr_cell_memo_measure_widest (GtkWidget          *widget,
                             SrTextMemo         *memo,
                             const char * const *texts,
                             int                *width)
{
  int scale = gtk_widget_get_scale_factor (widget);
  int widest = 0;
  gboolean remembered = FALSE;
  g_autoptr(GString) key = NULL;

  if (memo->generation == size_generation && memo->scale == scale)
    {
      *width = PANGO_PIXELS_CEIL (memo->width);
      return;
    }
  /* One entry for the whole set, whatever the widget's own classes (they
   * set colours only): the first pill of each status measured the set
   * again, 11 M instructions of a launch. */
  key = new_style_key (widget, FALSE);
  if (key != NULL && size_cache != NULL)
    {
      TextSize *size;

      g_string_append_printf (key, "\twidest %p", (gpointer) texts);
      size = g_hash_table_lookup (size_cache, key->str);
      if (size == NULL)
        {
          size = g_new0 (TextSize, 1);
          for (guint i = 0; texts[i] != NULL; i++)
            {
              TextSize measured;

              measure_size (widget, texts[i], &measured);
              size->width = MAX (size->width, measured.width);
            }
          g_hash_table_insert (size_cache, g_string_free (g_steal_pointer (&key), FALSE), size);
        }
      widest = size->width;
      remembered = TRUE;
    }
  else
    for (guint i = 0; texts[i] != NULL; i++)
      widest = MAX (widest, lookup_size (widget, texts[i], &remembered).width);
  if (remembered)
    *memo = (SrTextMemo) { size_generation, scale, widest, 0 };
  *width = PANGO_PIXELS_CEIL (widest);
}

static void
sr_cell_measure (GtkWidget      *widget,
                 GtkOrientation  orientation,
                 int             for_size,
                 int            *minimum,
                 int            *natural,
                 int            *minimum_baseline,
                 int            *natural_baseline)
{
  SrCell *self = SR_CELL (widget);
  TextSize font = memo_lookup (widget, &self->font, NULL);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *minimum = *natural = PANGO_PIXELS_CEIL (self->min_chars * font.width);
  else
    *minimum = *natural = PANGO_PIXELS_CEIL (font.height);
}

/* Layouts kept per style: up to twice this many, the ones drawn lately.
 * The widgets showing one keep it besides. */
#define LAYOUTS_PER_STYLE 256

static void
layout_style_free (gpointer data)
{
  LayoutStyle *style = data;

  g_clear_object (&style->context);
  g_clear_pointer (&style->young, g_hash_table_unref);
  g_clear_pointer (&style->old, g_hash_table_unref);
  g_free (style);
}

/* "width align text" → PangoLayout */
static GHashTable *
new_layout_table (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
}

static PangoLayout *
new_layout (PangoContext   *context,
            const char     *text,
            int             width,
            PangoAlignment  align)
{
  PangoLayout *layout = pango_layout_new (context);

  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_single_paragraph_mode (layout, TRUE);
  pango_layout_set_width (layout, width * PANGO_SCALE);
  pango_layout_set_alignment (layout, align);
  pango_layout_set_text (layout, text, -1);
  return layout;
}

/* The layout of text at width in widget's style: shared when the widget
 * is in a list (it has a style key), its own otherwise. (transfer full) */
static PangoLayout *
find_layout (GtkWidget      *widget,
             SrCellText     *cell_text,
             const char     *text,
             int             width,
             PangoAlignment  align)
{
  LayoutStyle *style;
  PangoLayout *layout;
  g_autofree char *key = NULL;
  char *old_key;

  if (cell_text->style == 0)
    {
      g_autoptr(GString) style_key = new_style_key (widget, !cell_text->colour_classes);

      if (style_key == NULL)
        return new_layout (gtk_widget_get_pango_context (widget), text, width, align);
      g_string_append_printf (style_key, " dir%d", gtk_widget_get_direction (widget));
      cell_text->style = g_quark_from_string (style_key->str);
    }

  if (layout_styles == NULL)
    {
      layout_styles = g_hash_table_new_full (NULL, NULL, NULL, layout_style_free);
      watch_text_settings (widget);
    }
  style = g_hash_table_lookup (layout_styles, GUINT_TO_POINTER (cell_text->style));
  if (style == NULL)
    {
      style = g_new0 (LayoutStyle, 1);
      /* The widget's font, font options, language and direction, in a
       * context of the style's own: a widget's context follows the
       * widget, and a shared layout must not. */
      style->context = gtk_widget_create_pango_context (widget);
      style->young = new_layout_table ();
      style->old = new_layout_table ();
      g_hash_table_insert (layout_styles, GUINT_TO_POINTER (cell_text->style), style);
    }

  key = g_strdup_printf ("%d %d %s", width, (int) align, text);
  layout = g_hash_table_lookup (style->young, key);
  if (layout != NULL)
    return g_object_ref (layout);

  if (g_hash_table_steal_extended (style->old, key, (gpointer *) &old_key, (gpointer *) &layout))
    g_free (old_key);
  else
    layout = new_layout (style->context, text, width, align);
  if (g_hash_table_size (style->young) >= LAYOUTS_PER_STYLE)
    {
      g_hash_table_unref (style->old);
      style->old = style->young;
      style->young = new_layout_table ();
    }
  g_hash_table_insert (style->young, g_steal_pointer (&key), layout);
  return g_object_ref (layout);
}

void
sr_cell_draw_text (GtkWidget      *widget,
                   GtkSnapshot    *snapshot,
                   SrCellText     *cell_text,
                   const char     *text,
                   PangoAlignment  align)
{
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  PangoRectangle logical;
  GdkRGBA color;
  gboolean clip;
  int scale;

  if (text == NULL || *text == '\0' || width <= 0)
    return;

  /* A new scale is a new style key, and with automatic font rendering
   * other hinting; GTK restyles nothing for it. */
  scale = gtk_widget_get_scale_factor (widget);
  if (scale != cell_text->scale)
    {
      sr_cell_text_style_changed (cell_text);
      cell_text->scale = scale;
    }
  if (cell_text->layout == NULL || cell_text->stale ||
      cell_text->generation != size_generation ||
      pango_layout_get_width (cell_text->layout) != width * PANGO_SCALE ||
      pango_layout_get_alignment (cell_text->layout) != align)
    {
      g_clear_object (&cell_text->layout);
      cell_text->layout = find_layout (widget, cell_text, text, width, align);
      cell_text->generation = size_generation;
      cell_text->stale = FALSE;
    }
  pango_layout_get_pixel_extents (cell_text->layout, NULL, &logical);
  gtk_widget_get_color (widget, &color);

  /* A clip only when the text is larger than the cell (a cell narrower
   * than "…"): an ellipsized line fits, and a column view's cells clip
   * already. A clip is a save and restore of the renderer's state per
   * cell, most of a redraw of a log in the cairo renderer. */
  clip = logical.x < 0 || logical.x + logical.width > width || logical.height > height;
  if (clip)
    gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (0, floor ((height - logical.height) / 2.0)));
  gtk_snapshot_append_layout (snapshot, cell_text->layout, &color);
  gtk_snapshot_restore (snapshot);
  if (clip)
    gtk_snapshot_pop (snapshot);
}

static void
sr_cell_snapshot (GtkWidget   *widget,
                  GtkSnapshot *snapshot)
{
  SrCell *self = SR_CELL (widget);
  gboolean rtl = gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL;
  PangoAlignment align;

  if (self->xalign > 0.67)
    align = rtl ? PANGO_ALIGN_LEFT : PANGO_ALIGN_RIGHT;
  else if (self->xalign > 0.33)
    align = PANGO_ALIGN_CENTER;
  else
    align = rtl ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT;

  sr_cell_draw_text (widget, snapshot, &self->layout, self->text, align);
}

static void
sr_cell_css_changed (GtkWidget         *widget,
                     GtkCssStyleChange *change)
{
  SrCell *self = SR_CELL (widget);

  GTK_WIDGET_CLASS (sr_cell_parent_class)->css_changed (widget, change);

  /* A new style may be a new font (and a new style key). */
  sr_text_memo_clear (&self->font);
  sr_cell_text_style_changed (&self->layout);
}

static void
sr_cell_finalize (GObject *object)
{
  SrCell *self = SR_CELL (object);

  g_clear_pointer (&self->text, g_free);
  sr_cell_text_clear (&self->layout);

  G_OBJECT_CLASS (sr_cell_parent_class)->finalize (object);
}

static void
sr_cell_class_init (SrCellClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = sr_cell_finalize;
  widget_class->measure = sr_cell_measure;
  widget_class->snapshot = sr_cell_snapshot;
  widget_class->css_changed = sr_cell_css_changed;

  /* Styled like a label (dim-label, caption, numeric apply). */
  gtk_widget_class_set_css_name (widget_class, "label");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_LABEL);
}

static void
sr_cell_init (SrCell *self)
{
  self->min_chars = 1;
}

GtkWidget *
sr_cell_new (float xalign)
{
  SrCell *self = g_object_new (SR_TYPE_CELL, NULL);

  self->xalign = xalign;
  return GTK_WIDGET (self);
}

void
sr_cell_set_min_chars (GtkWidget *cell,
                       int        min_chars)
{
  g_return_if_fail (SR_IS_CELL (cell));

  SR_CELL (cell)->min_chars = MAX (min_chars, 0);
  gtk_widget_queue_resize (cell);
}

void
sr_cell_set_text (GtkWidget  *cell,
                  const char *text)
{
  SrCell *self = SR_CELL (cell);

  if (text == NULL || *text == '\0')
    text = "—";
  if (g_strcmp0 (self->text, text) == 0)
    return;

  g_free (self->text);
  self->text = g_strdup (text);
  sr_cell_text_changed (&self->layout);
  gtk_widget_queue_draw (cell);
  /* What a screen reader reads: the text, as for a label. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (cell), GTK_ACCESSIBLE_PROPERTY_LABEL, self->text, -1);
}

void
sr_cell_set_blank (GtkWidget *cell)
{
  SrCell *self = SR_CELL (cell);

  if (self->text == NULL)
    return;

  g_clear_pointer (&self->text, g_free);
  gtk_widget_queue_draw (cell);
  gtk_accessible_reset_property (GTK_ACCESSIBLE (cell), GTK_ACCESSIBLE_PROPERTY_LABEL);
}

const char *
sr_cell_get_text (GtkWidget *cell)
{
  g_return_val_if_fail (SR_IS_CELL (cell), NULL);

  return SR_CELL (cell)->text;
}

PangoLayout *
sr_cell_get_layout (GtkWidget *cell)
{
  g_return_val_if_fail (SR_IS_CELL (cell), NULL);

  return SR_CELL (cell)->layout.layout;
}

void
sr_cell_setup_label (GtkListItem *list_item)
{
  gtk_list_item_set_child (list_item, sr_cell_new (0));
}

void
sr_cell_setup_text (GtkListItem *list_item,
                    int          width_chars)
{
  GtkWidget *cell = sr_cell_new (0);

  sr_cell_set_min_chars (cell, width_chars);
  gtk_widget_add_css_class (cell, "dim-text");   /* see style.css */
  gtk_list_item_set_child (list_item, cell);
}

void
sr_cell_setup_numeric (GtkListItem *list_item)
{
  GtkWidget *cell = sr_cell_new (1);

  gtk_widget_add_css_class (cell, "numeric");
  gtk_list_item_set_child (list_item, cell);
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

/* --- rows read after they were bound, rows shown a few per frame --- */

/* A row not read yet is a placeholder record (an empty id) that the list
 * fills in place when its block arrives, with notify::id: the cell binds
 * again, on the widgets it has. (A list that replaced the item instead
 * would make GTK build the whole row again, ~200 rows after a jump.)
 *
 * A jump, Home/End, a sort or a block that lands binds ~200 rows in one
 * go, ~20 of them in view, and laying out and drawing all of them in one
 * frame took longer than a frame (docs/ARCHITECTURE.md, "Rows shown a few
 * per frame"). So the rows bound in a frame beyond PACE_BIND_BUDGET bind
 * blank too, and a pacer (one per scrolled window) shows them on the
 * frames that follow: those in view first, top to bottom, PACE_VISIBLE
 * per frame, then those out of view, PACE_HIDDEN per frame. Scrolling
 * binds a row or two per frame and never waits. */
#define PACE_BIND_BUDGET SR_CELL_ROWS_PER_FRAME
#define PACE_VISIBLE SR_CELL_ROWS_PER_FRAME
#define PACE_HIDDEN SR_CELL_ROWS_PER_FRAME

static GQuark watch_quark;          /* on an item: its Watch */
static GQuark watching_quark;       /* on a list item: it is in a Watch */
static GQuark is_placeholder_quark;
static GQuark factory_quark;
static GQuark pacer_quark;          /* on a scrolled window: its Pacer */

/* One Watch per item for all the cells of its row (a row binds ~10
 * cells, and a jump ~200 rows): the list items to bind again, when the
 * placeholder is filled (handler) or when the pacer shows the row
 * (handler 0). */
typedef struct
{
  GPtrArray *list_items;
  gulong     handler;
} Watch;

typedef struct
{
  GtkWidget  *viewport;   /* the scrolled window (it owns the pacer) */
  GHashTable *items;      /* (element-type GObject) rows waiting, owned */
  guint      tick;
  guint      idle;        /* shows the next rows, between two frames */
  gint64     frame;       /* the frame the count is for */
  guint      count;       /* rows bound with their content in it */
  gpointer   last_item;   /* the last of them (its other cells follow) */
} Pacer;

/* While the pacer (or a filled placeholder) binds a row again. */
static gboolean revealing;
/* The list item a factory is binding now (an emission hook sets it): a
 * row is paced only when it is bound, not when a view formats the cells
 * of its bound rows again (a new time zone, campaign names). */
static gpointer binding;

static void
watch_free (gpointer data)
{
  Watch *watch = data;

  g_ptr_array_unref (watch->list_items);
  g_free (watch);
}

/* The item's new Watch, with handler (0: it waits for a pacer). */
static Watch *
watch_new (gpointer item,
           gulong   handler)
{
  Watch *watch = g_new0 (Watch, 1);

  watch->list_items = g_ptr_array_sized_new (12);
  watch->handler = handler;
  g_object_set_qdata_full (item, watch_quark, watch, watch_free);
  return watch;
}

static void
pacer_free (gpointer data)
{
  Pacer *pacer = data;

  g_clear_handle_id (&pacer->idle, g_source_remove);
  g_hash_table_unref (pacer->items);
  g_free (pacer);
}

/* Binds the row's cells again, with its content, and frees the watch
 * (taken off its item). */
static void
watch_rebind (Watch *watch)
{
  static guint bind_signal, unbind_signal;
  gboolean was_revealing = revealing;

  /* (looked up once) */
  if (bind_signal == 0)
    {
      bind_signal = g_signal_lookup ("bind", GTK_TYPE_SIGNAL_LIST_ITEM_FACTORY);
      unbind_signal = g_signal_lookup ("unbind", GTK_TYPE_SIGNAL_LIST_ITEM_FACTORY);
    }
  revealing = TRUE;
  for (guint i = 0; i < watch->list_items->len; i++)
    {
      GtkListItem *list_item = g_ptr_array_index (watch->list_items, i);
      GtkListItemFactory *factory = g_object_get_qdata (G_OBJECT (list_item), factory_quark);

      g_object_set_qdata (G_OBJECT (list_item), watching_quark, NULL);
      g_signal_emit (factory, unbind_signal, 0, list_item);
      g_signal_emit (factory, bind_signal, 0, list_item);
    }
  revealing = was_revealing;
  watch_free (watch);
}

static Pacer *pacer_for (GtkWidget *child);
static gboolean pace_defer (Pacer *pacer, gpointer item);

static void
on_placeholder_filled_cb (GObject    *item,
                          GParamSpec *pspec,
                          gpointer    data)
{
  Watch *watch = g_object_steal_qdata (item, watch_quark);
  Pacer *pacer = NULL;

  if (watch == NULL)
    return;
  g_signal_handler_disconnect (item, watch->handler);
  watch->handler = 0;

  /* A row filled in is shown now if the frame has room, or by the pacer
   * (its cells stay blank). */
  if (watch->list_items->len > 0)
    pacer = pacer_for (gtk_list_item_get_child (g_ptr_array_index (watch->list_items, 0)));
  if (pacer != NULL && pace_defer (pacer, item))
    {
      Watch *waiting = g_object_get_qdata (item, watch_quark);

      /* (the row's list items move to the pacer's Watch; a row of
       * another view waits in that view's pacer too) */
      for (guint i = 0; i < watch->list_items->len; i++)
        {
          GtkListItem *list_item = g_ptr_array_index (watch->list_items, i);
          Pacer *other = pacer_for (gtk_list_item_get_child (list_item));

          g_ptr_array_add (waiting->list_items, list_item);
          if (other != NULL && other != pacer)
            pace_defer (other, item);
        }
      watch_free (watch);
      return;
    }

  watch_rebind (watch);
}

typedef struct
{
  gpointer item;
  double   key;       /* in view: its top; out of view: how far out */
} Waiting;

static gint
compare_waiting (gconstpointer a,
                 gconstpointer b)
{
  double ka = ((const Waiting *) a)->key, kb = ((const Waiting *) b)->key;

  return (ka > kb) - (ka < kb);
}

/* Takes the item out of the pacer and binds its row again (unless
 * another pacer showed it already: an item bound in two views waits in
 * the pacers of both). */
static void
reveal (Pacer    *pacer,
        gpointer  item)
{
  g_autoptr(GObject) held = g_object_ref (item);
  Watch *watch;

  g_hash_table_remove (pacer->items, item);
  watch = g_object_get_qdata (item, watch_quark);
  if (watch == NULL || watch->handler != 0)
    return;
  g_object_steal_qdata (item, watch_quark);
  watch_rebind (watch);
}

/* Shows the next rows, between two frames: their binding is not part
 * of the frame that draws them (a row in view waits a frame more). */
static gboolean
pacer_show_cb (gpointer data)
{
  Pacer *pacer = data;
  GtkWidget *viewport = pacer->viewport;
  double height = gtk_widget_get_height (viewport);
  g_autoptr(GArray) shown = g_array_new (FALSE, FALSE, sizeof (Waiting));
  g_autoptr(GArray) hidden = g_array_new (FALSE, FALSE, sizeof (Waiting));
  GHashTableIter iter;
  gpointer item;

  pacer->idle = 0;

  g_hash_table_iter_init (&iter, pacer->items);
  while (g_hash_table_iter_next (&iter, &item, NULL))
    {
      Watch *watch = g_object_get_qdata (item, watch_quark);
      GtkWidget *child;
      graphene_point_t p = GRAPHENE_POINT_INIT (0, 0);
      Waiting waiting = { item, G_MAXDOUBLE };

      if (watch == NULL || watch->handler != 0)
        {
          /* shown already (by another pacer), or read again */
          g_hash_table_iter_remove (&iter);
          continue;
        }
      if (watch->list_items->len == 0)
        {
          /* not bound any more */
          g_object_set_qdata (item, watch_quark, NULL);
          g_hash_table_iter_remove (&iter);
          continue;
        }
      child = gtk_list_item_get_child (g_ptr_array_index (watch->list_items, 0));
      /* (GTK unmaps the rows it keeps out of view) */
      if (child != NULL && gtk_widget_get_mapped (child) &&
          gtk_widget_compute_point (child, viewport, &GRAPHENE_POINT_INIT (0, 0), &p))
        {
          if (p.y + gtk_widget_get_height (child) > 0 && p.y < height)
            {
              waiting.key = p.y;
              g_array_append_val (shown, waiting);
              continue;
            }
          /* (nearest first) */
          waiting.key = p.y < 0 ? -p.y : p.y - height;
        }
      g_array_append_val (hidden, waiting);
    }

  /* The rows in view first, from the top; then those out of view. */
  if (shown->len > 0)
    {
      g_array_sort (shown, compare_waiting);
      for (guint i = 0; i < MIN (shown->len, PACE_VISIBLE); i++)
        reveal (pacer, g_array_index (shown, Waiting, i).item);
    }
  else
    {
      g_array_sort (hidden, compare_waiting);
      for (guint i = 0; i < MIN (hidden->len, PACE_HIDDEN); i++)
        reveal (pacer, g_array_index (hidden, Waiting, i).item);
    }
  return G_SOURCE_REMOVE;
}

/* At the start of each frame while rows wait: the next rows are shown
 * after it. */
static gboolean
pacer_tick_cb (GtkWidget     *viewport,
               GdkFrameClock *clock,
               gpointer       data)
{
  Pacer *pacer = data;

  if (g_hash_table_size (pacer->items) == 0 && pacer->idle == 0)
    {
      pacer->tick = 0;
      return G_SOURCE_REMOVE;
    }
  /* after this frame (below its priority), before the next one */
  if (pacer->idle == 0)
    pacer->idle = g_idle_add_full (GDK_PRIORITY_REDRAW + 10, pacer_show_cb, pacer, NULL);
  return G_SOURCE_CONTINUE;
}

/* The pacer of the scrolled window the cell is in; NULL (no pacing) for
 * one not on screen. */
static Pacer *
pacer_for (GtkWidget *child)
{
  GtkWidget *viewport;
  Pacer *pacer;

  if (child == NULL)
    return NULL;
  viewport = gtk_widget_get_ancestor (child, GTK_TYPE_SCROLLED_WINDOW);
  if (viewport == NULL || !gtk_widget_get_mapped (viewport))
    return NULL;

  pacer = g_object_get_qdata (G_OBJECT (viewport), pacer_quark);
  if (pacer == NULL)
    {
      pacer = g_new0 (Pacer, 1);
      pacer->items = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
      pacer->frame = -1;
      pacer->viewport = viewport;
      g_object_set_qdata_full (G_OBJECT (viewport), pacer_quark, pacer, pacer_free);
    }
  return pacer;
}

/* TRUE if the row of item waits for the pacer: its frame had room for
 * PACE_BIND_BUDGET rows already, or it waits already. */
static gboolean
pace_defer (Pacer    *pacer,
            gpointer  item)
{
  Watch *watch = g_object_get_qdata (item, watch_quark);

  if (watch != NULL && watch->handler != 0)
    return FALSE;                 /* a placeholder's: not paced */
  if (watch == NULL)
    {
      /* (a frame's budget: counted from the clock's frame counter) */
      GdkFrameClock *clock = gtk_widget_get_frame_clock (pacer->viewport);
      gint64 frame = clock != NULL ? gdk_frame_clock_get_frame_counter (clock) : -1;

      if (frame != pacer->frame)
        {
          pacer->frame = frame;
          pacer->count = 0;
          pacer->last_item = NULL;
        }
      if (item == pacer->last_item)
        return FALSE;             /* another cell of a row shown */
      if (pacer->count < PACE_BIND_BUDGET)
        {
          pacer->count++;
          pacer->last_item = item;
          return FALSE;
        }
      watch = watch_new (item, 0);
    }

  /* Waits in this pacer (once), also when it waits in another view's. */
  if (!g_hash_table_contains (pacer->items, item))
    g_hash_table_add (pacer->items, g_object_ref (item));
  if (pacer->tick == 0)
    pacer->tick = gtk_widget_add_tick_callback (pacer->viewport, pacer_tick_cb, pacer, NULL);
  return TRUE;
}

static void
on_bind_watch_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *list_item)
{
  SrIsPlaceholderFunc is_placeholder = g_object_get_qdata (G_OBJECT (factory), is_placeholder_quark);
  gpointer item = gtk_list_item_get_item (list_item);
  Watch *watch;

  binding = NULL;
  if (item == NULL)
    return;

  watch = g_object_get_qdata (item, watch_quark);
  if (watch == NULL)
    {
      /* (a row waiting for the pacer has its Watch already) */
      if (!is_placeholder (item))
        return;
      watch = watch_new (item, g_signal_connect (item, "notify::id", G_CALLBACK (on_placeholder_filled_cb), NULL));
    }
  g_ptr_array_add (watch->list_items, list_item);
  g_object_set_qdata (G_OBJECT (list_item), factory_quark, factory);
  g_object_set_qdata (G_OBJECT (list_item), watching_quark, GINT_TO_POINTER (TRUE));
}

static gboolean
on_bind_emission_hook (GSignalInvocationHint *hint,
                       guint                  n_params,
                       const GValue          *params,
                       gpointer               data)
{
  binding = n_params > 1 ? g_value_get_object (&params[1]) : NULL;
  return TRUE;
}

static void
on_unbind_watch_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *list_item)
{
  gpointer item = gtk_list_item_get_item (list_item);
  Watch *watch;

  if (g_object_steal_qdata (G_OBJECT (list_item), watching_quark) == NULL || item == NULL)
    return;

  watch = g_object_get_qdata (item, watch_quark);
  if (watch != NULL)
    g_ptr_array_remove_fast (watch->list_items, list_item);
}

/* TRUE if the row of a cell bound now waits for the pacer. */
static gboolean
pace_row (GtkWidget *child,
          gpointer   item)
{
  Pacer *pacer = pacer_for (child);

  return pacer != NULL && pace_defer (pacer, item);
}

gboolean
sr_cell_bind_blank (GtkListItem         *list_item,
                    SrIsPlaceholderFunc  is_placeholder)
{
  gpointer item = gtk_list_item_get_item (list_item);
  GtkWidget *child = gtk_list_item_get_child (list_item);

  if (child == NULL)
    return item == NULL;

  /* (only a row bound now may wait: one formatted again, for a new time
   * zone or campaign names, shows what it has, also while it waits) */
  if (item != NULL &&
      (is_placeholder (item) || (list_item == binding && !revealing && pace_row (child, item))))
    {
      if (SR_IS_CELL (child))
        sr_cell_set_blank (child);
      else if (SR_IS_STATUS_PILL (child))
        /* (its label reset too; its next status shows it again) */
        sr_status_pill_set_blank (SR_STATUS_PILL (child));
      else
        {
          gtk_widget_set_opacity (child, 0.0);
          for (GtkWidget *c = gtk_widget_get_first_child (child); c != NULL; c = gtk_widget_get_next_sibling (c))
            if (SR_IS_CELL (c))
              sr_cell_set_blank (c);
        }
      return TRUE;
    }

  if (!SR_IS_CELL (child) && !SR_IS_STATUS_PILL (child) && gtk_widget_get_opacity (child) < 1.0)
    gtk_widget_set_opacity (child, 1.0);
  return FALSE;
}

void
sr_cell_watch_placeholders (GtkListItemFactory  *factory,
                            SrIsPlaceholderFunc  is_placeholder)
{
  g_return_if_fail (GTK_IS_SIGNAL_LIST_ITEM_FACTORY (factory));
  g_return_if_fail (is_placeholder != NULL);

  if (watch_quark == 0)
    {
      watch_quark = g_quark_from_static_string ("sr-placeholder-watch");
      watching_quark = g_quark_from_static_string ("sr-watching");
      is_placeholder_quark = g_quark_from_static_string ("sr-is-placeholder");
      factory_quark = g_quark_from_static_string ("sr-factory");
      pacer_quark = g_quark_from_static_string ("sr-pacer");
      g_signal_add_emission_hook (g_signal_lookup ("bind", GTK_TYPE_SIGNAL_LIST_ITEM_FACTORY), 0,
                                  on_bind_emission_hook, NULL, NULL);
    }

  g_object_set_qdata (G_OBJECT (factory), is_placeholder_quark, is_placeholder);
  g_signal_connect_after (factory, "bind", G_CALLBACK (on_bind_watch_cb), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (on_unbind_watch_cb), NULL);
}
