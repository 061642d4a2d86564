/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-cells.h: the cells the report views (SrMessageView, SrCampaignView)
 * build their column factories from, so that a text, a number or an empty
 * value looks the same in every list.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* A cell: one line of text, ellipsized at its end, aligned by xalign
 * (0 start, 1 end). It asks for a height from its font and a width of
 * min_chars (default 1) average characters, never from its text, and
 * shapes the text only when drawn (see sr-cells.c). */
#define SR_TYPE_CELL (sr_cell_get_type ())
G_DECLARE_FINAL_TYPE (SrCell, sr_cell, SR, CELL, GtkWidget)

GtkWidget  *sr_cell_new           (float        xalign);
void        sr_cell_set_min_chars (GtkWidget   *cell,
                                   int          min_chars);
/* Sets a cell's text; an empty or NULL text shows as "—". */
void        sr_cell_set_text      (GtkWidget   *cell,
                                   const char  *text);
/* Shows nothing: a row not read yet (its text comes when it is). */
void        sr_cell_set_blank     (GtkWidget   *cell);
const char *sr_cell_get_text      (GtkWidget   *cell);
/* The layout the cell drew last, NULL before its first draw (for tests). */
PangoLayout *sr_cell_get_layout   (GtkWidget   *cell);
/* The size in pixels of text in widget's style; with text NULL, the
 * font's line height and average character width. In a list view it is
 * measured once per style (the widget's type, style classes and scale and
 * those of the list) and remembered until the text settings change, for
 * widgets of many rows that show one of a few texts. */
void        sr_cell_measure_text  (GtkWidget   *widget,
                                   const char  *text,
                                   int         *width,
                                   int         *height);
/* sr_cell_measure_text() remembered by the widget itself, for its
 * measure(): no style key is built while the memo holds. The widget
 * clears it (sr_text_memo_clear()) in css_changed and when its text
 * changes; a change of scale or of the text settings is noticed here. */
typedef struct
{
  guint generation;   /* 0: empty */
  int   scale;
  int   width;
  int   height;
} SrTextMemo;

static inline void
sr_text_memo_clear (SrTextMemo *memo)
{
  memo->generation = 0;
}

void        sr_cell_memo_measure_text (GtkWidget   *widget,
                                       SrTextMemo  *memo,
                                       const char  *text,
                                       int         *width,
                                       int         *height);
/* The width of the widest of texts (NULL-terminated, a static array),
 * remembered in memo like sr_cell_memo_measure_text() and once per style
 * for all widgets, whose own style classes must not change the font. */
void        sr_cell_memo_measure_widest (GtkWidget          *widget,
                                         SrTextMemo         *memo,
                                         const char * const *texts,
                                         int                *width);
/* What a widget keeps to draw its text with sr_cell_draw_text(): a
 * layout shared with the other widgets of its style that show the same
 * text at the same width (a log shows one campaign's message, a few
 * statuses and senders on many rows), never changed once made. Zeroed
 * with the widget; the widget calls sr_cell_text_changed() when its text
 * changes, sr_cell_text_style_changed() in css_changed, and
 * sr_cell_text_clear() when it is destroyed. */
typedef struct
{
  PangoLayout *layout;
  GQuark       style;         /* the interned style key; 0: not known yet */
  int          scale;         /* the widget's scale factor it was found for */
  guint        generation;    /* of the text settings it was made with */
  gboolean     stale;
  /* The widget's own style classes set colours only: they are left out
   * of its style key (a status pill). */
  gboolean     colour_classes;
} SrCellText;

static inline void
sr_cell_text_changed (SrCellText *cell_text)
{
  cell_text->stale = TRUE;
}

static inline void
sr_cell_text_style_changed (SrCellText *cell_text)
{
  cell_text->style = 0;
  cell_text->stale = TRUE;
}

static inline void
sr_cell_text_clear (SrCellText *cell_text)
{
  g_clear_object (&cell_text->layout);
  sr_cell_text_style_changed (cell_text);
}

/* Draws text on one line in widget's colour, ellipsized to its width,
 * aligned by align and centred vertically. */
void        sr_cell_draw_text     (GtkWidget       *widget,
                                   GtkSnapshot     *snapshot,
                                   SrCellText      *cell_text,
                                   const char      *text,
                                   PangoAlignment   align);
/* A list item's child: a start-aligned cell. */
void  sr_cell_setup_label   (GtkListItem *list_item);
/* The same, dimmed and at least width_chars wide: a message text. */
void  sr_cell_setup_text    (GtkListItem *list_item,
                             int          width_chars);
/* A cell for figures: end-aligned, tabular digits. */
void  sr_cell_setup_numeric (GtkListItem *list_item);
/* Sets the item's cell text; an empty or NULL text shows as "—". */
void  sr_cell_set_label     (GtkListItem *list_item,
                             const char  *text);
/* sr_cell_set_label() of a formatted count. */
void  sr_cell_set_count     (GtkListItem *list_item,
                             gint64       count);
/* sr_cell_set_label() of text on one line: line breaks become spaces. */
void  sr_cell_set_one_line  (GtkListItem *list_item,
                             const char  *text);
/* text with its line breaks turned into spaces, or NULL when it has none
 * (then use text as it is). */
char *sr_cell_dup_one_line  (const char  *text);
/* A tooltip given on query-tooltip (and the accessible description), not
 * with gtk_widget_set_tooltip_text(): cheap to set on every bind. */
void  sr_cell_set_tooltip    (GtkWidget   *widget,
                              const char  *text);

/* A label of a rich row (the narrow layout of a log): one line, with a
 * style class (NULL: none), ellipsized at its end when ellipsize. */
GtkLabel *sr_cell_new_rich_label (const char *css_class,
                                  float       xalign,
                                  gboolean    ellipsize);

/* Rows whose item is a placeholder (is_placeholder says) bind again when
 * it is filled in place (notify::id), on the same widgets. Call once per
 * factory, after its own bind handlers are connected. */
typedef gboolean (*SrIsPlaceholderFunc) (gpointer item);
/* Rows bound in one frame beyond this many bind blank as well and are
 * shown on the next frames, this many at a time, those in view first
 * (sr-cells.c, "rows shown a few per frame"). */
#define SR_CELL_ROWS_PER_FRAME 8
/* For the top of a bind handler: a row not read yet (is_placeholder)
 * shows nothing and formats nothing until it is filled: a cell child is
 * blanked, a status pill too (until its next status), another child is
 * not drawn (no opacity). TRUE for such a row;
 * FALSE for a real one, whose child is drawn again. */
gboolean sr_cell_bind_blank (GtkListItem         *list_item,
                             SrIsPlaceholderFunc  is_placeholder);
void  sr_cell_watch_placeholders (GtkListItemFactory  *factory,
                                  SrIsPlaceholderFunc  is_placeholder);

G_END_DECLS
