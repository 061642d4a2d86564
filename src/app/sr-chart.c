/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-chart.c: a bar chart of SrInsightsBucket, drawn with GtkSnapshot.
 *
 * Colours are named colours from style.css (the status groups' and
 * sr_spend_color), read from the style context at every snapshot, so the
 * chart follows light, dark and high contrast like the rest of the window.
 * When the widget is too narrow for one bar per bucket (a long period),
 * neighbouring buckets are summed into one bar; the tooltip and the
 * "bar-activated" range then cover all of them.
 *
 * The bars are the chart's interactive parts: hovering shows the exact
 * counts, clicking (or Enter on the bar chosen with the arrow keys) emits
 * "bar-activated" with the bar's time range.
 */
#define G_LOG_DOMAIN "sr-chart"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "sr-chart.h"
#include "sr-format.h"
#include "sr-status-bar.h"

/* Narrowest slot a bar gets before buckets are summed into one bar. */
#define MIN_SLOT_WIDTH 5
#define AXIS_GAP       6

struct _SrChart
{
  GtkWidget             parent_instance;

  SrInsightsBucket     *buckets;
  guint                 n_buckets;
  SrInsightsBucketSize  bucket_size;
  GTimeZone            *zone;
  char                 *currency;
  SrChartMode           mode;

  gint64                total;
  double                total_cost;
  char                 *summary;

  guint                 group_size;    /* buckets per bar, >= 1 */
  int                   hover_bar;     /* -1: none */
  gboolean              keyboard_focus;
};

G_DEFINE_FINAL_TYPE (SrChart, sr_chart, GTK_TYPE_WIDGET)

enum {
  BAR_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Bottom to top: good news at the bottom, like the legend reads left to right. */
static const SrStatusGroup stack_order[SR_N_STATUS_GROUPS] = {
  SR_STATUS_GROUP_DELIVERED,
  SR_STATUS_GROUP_UNCONFIRMED,
  SR_STATUS_GROUP_PENDING,
  SR_STATUS_GROUP_FAILED,
  SR_STATUS_GROUP_NOT_SENT,
  SR_STATUS_GROUP_OTHER,
};

typedef struct
{
  gint64 start;
  gint64 end;
  gint64 total;
  gint64 by_group[SR_N_STATUS_GROUPS];
  double cost;
} Bar;

/* Rates over the settled messages of a bar, like the Dashboard's cards;
 * -1 when none is settled. */
static double
bar_rate (const Bar     *bar,
          SrStatusGroup  group)
{
  gint64 settled = bar->total - bar->by_group[SR_STATUS_GROUP_PENDING];

  return settled > 0 ? (double) bar->by_group[group] / (double) settled : -1;
}

static guint
get_n_bars (SrChart *self)
{
  if (self->n_buckets == 0)
    return 0;

  return (self->n_buckets + self->group_size - 1) / self->group_size;
}

static void
get_bar (SrChart *self,
         guint    bar,
         Bar     *out)
{
  guint first = bar * self->group_size;
  guint last = MIN (first + self->group_size, self->n_buckets);

  memset (out, 0, sizeof *out);
  g_assert (first < self->n_buckets);

  out->start = self->buckets[first].start;
  out->end = self->buckets[last - 1].end;
  for (guint i = first; i < last; i++)
    {
      out->total += self->buckets[i].total;
      out->cost += self->buckets[i].cost;
      for (guint g = 0; g < SR_N_STATUS_GROUPS; g++)
        out->by_group[g] += self->buckets[i].by_group[g];
    }
}

static double
bar_value (SrChart   *self,
           const Bar *bar)
{
  return self->mode == SR_CHART_MODE_SPEND ? bar->cost : (double) bar->total;
}

static GDateTime *
local_time (SrChart *self,
            gint64   usec)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);

  if (utc == NULL)
    return NULL;
  return g_date_time_to_timezone (utc, self->zone);
}

/* "Nov 27" or "14:00" */
static char *
dup_axis_label (SrChart *self,
                gint64   usec)
{
  g_autoptr(GDateTime) dt = local_time (self, usec);

  if (dt == NULL)
    return g_strdup ("");
  if (self->bucket_size == SR_INSIGHTS_BUCKET_HOUR)
    return sr_format_hour (dt);
  return sr_format_day_short (dt);
}

/* "Nov 27, 2026", "Nov 27, 2026, 14:00 – 15:00" or "Nov 1 – Nov 7, 2026" */
static char *
dup_range_label (SrChart  *self,
                 gint64    start_usec,
                 gint64    end_usec,
                 gboolean  hours)
{
  g_autoptr(GDateTime) start = local_time (self, start_usec);
  g_autoptr(GDateTime) end = local_time (self, end_usec);
  g_autoptr(GDateTime) last_day = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;

  if (start == NULL || end == NULL)
    return g_strdup ("");

  if (hours)
    {
      g_autofree char *day = sr_format_day (start);

      from = sr_format_clock (start);
      to = sr_format_clock (end);
      /* Translators: an hour of a day in the chart's tooltip: "<day>, <from> – <to>" */
      return g_strdup_printf (_("%s, %s – %s"), day, from, to);
    }

  /* The end is the next midnight: the range's last day is the one before. */
  last_day = g_date_time_add_seconds (end, -1);
  from = sr_format_day (start);
  if (g_date_time_get_year (start) == g_date_time_get_year (last_day) &&
      g_date_time_get_day_of_year (start) == g_date_time_get_day_of_year (last_day))
    return g_steal_pointer (&from);

  to = sr_format_day (last_day);
  /* Translators: a range of days in the chart's tooltip */
  return g_strdup_printf (_("%s – %s"), from, to);
}

char *
sr_chart_dup_bar_text (SrChart *self,
                       guint    index)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *range = NULL;
  g_autofree char *total = NULL;
  g_autofree char *cost = NULL;
  Bar bar;

  g_return_val_if_fail (SR_IS_CHART (self), NULL);
  g_return_val_if_fail (index < get_n_bars (self), NULL);

  get_bar (self, index, &bar);
  range = dup_range_label (self, bar.start, bar.end, self->bucket_size == SR_INSIGHTS_BUCKET_HOUR);
  total = sr_format_count (bar.total);
  cost = sr_format_money (bar.cost, self->currency, 2);

  g_string_append (text, range);
  g_string_append_c (text, '\n');

  if (self->mode == SR_CHART_MODE_SPEND)
    {
      /* Translators: the spend of a day in the chart's tooltip */
      g_string_append_printf (text, _("Spend: %s"), cost);
      g_string_append_c (text, '\n');
      g_string_append_printf (text, ngettext ("%s message", "%s messages", (gulong) bar.total), total);
      return g_string_free (g_steal_pointer (&text), FALSE);
    }

  if (bar.total == 0)
    {
      g_string_append (text, _("No messages"));
      return g_string_free (g_steal_pointer (&text), FALSE);
    }

  g_string_append_printf (text, ngettext ("%s message", "%s messages", (gulong) bar.total), total);
  for (guint i = 0; i < G_N_ELEMENTS (stack_order); i++)
    {
      SrStatusGroup group = stack_order[i];
      g_autofree char *count = NULL;

      if (bar.by_group[group] == 0)
        continue;

      count = sr_format_count (bar.by_group[group]);
      g_string_append_c (text, '\n');
      /* Translators: one status group in the chart's tooltip: "Delivered: 1,234" */
      g_string_append_printf (text, _("%s: %s"), sr_status_group_get_label (group), count);
    }
  if (bar_rate (&bar, SR_STATUS_GROUP_DELIVERED) >= 0)
    {
      g_autofree char *delivered = sr_format_percent (bar_rate (&bar, SR_STATUS_GROUP_DELIVERED));
      g_autofree char *failed = sr_format_percent (bar_rate (&bar, SR_STATUS_GROUP_FAILED));

      g_string_append_c (text, '\n');
      /* Translators: the rate lines in the chart's tooltip: "Delivery rate 82.0 % · failure rate 4.1 %" */
      g_string_append_printf (text, _("Delivery rate %s · failure rate %s"), delivered, failed);
    }
  g_string_append_c (text, '\n');
  /* Translators: the spend of a day in the chart's tooltip */
  g_string_append_printf (text, _("Spend: %s"), cost);

  return g_string_free (g_steal_pointer (&text), FALSE);
}

double
sr_chart_get_bar_rate (SrChart       *self,
                       guint          index,
                       SrStatusGroup  group)
{
  Bar bar;

  g_return_val_if_fail (SR_IS_CHART (self), -1);
  g_return_val_if_fail (index < get_n_bars (self), -1);

  get_bar (self, index, &bar);
  return bar_rate (&bar, group);
}

/* The text alternative: what a sighted user takes from the bars. */
static void
update_summary (SrChart *self)
{
  g_autoptr(GString) text = g_string_new (NULL);
  SrInsightsBucket peak = { 0 };
  gboolean have_peak = FALSE;

  for (guint i = 0; i < self->n_buckets; i++)
    {
      double value = self->mode == SR_CHART_MODE_SPEND ? self->buckets[i].cost : (double) self->buckets[i].total;
      double best = self->mode == SR_CHART_MODE_SPEND ? peak.cost : (double) peak.total;

      if (value > 0 && (!have_peak || value > best))
        {
          peak = self->buckets[i];
          have_peak = TRUE;
        }
    }

  if (self->n_buckets == 0 || self->total == 0)
    g_string_append (text, _("No messages in this period."));
  else
    {
      gboolean hours = self->bucket_size == SR_INSIGHTS_BUCKET_HOUR;
      g_autofree char *range = NULL;
      g_autofree char *peak_range = NULL;

      range = dup_range_label (self, self->buckets[0].start, self->buckets[self->n_buckets - 1].end, FALSE);
      peak_range = dup_range_label (self, peak.start, peak.end, hours);

      if (self->mode == SR_CHART_MODE_SPEND)
        {
          g_autofree char *total = sr_format_money (self->total_cost, self->currency, 2);
          g_autofree char *peak_cost = sr_format_money (peak.cost, self->currency, 2);

          if (self->bucket_size == SR_INSIGHTS_BUCKET_HOUR)
            /* Translators: text alternative of the spend chart: "<day>: <amount> in total." */
            g_string_append_printf (text, _("Spend per hour, %s: %s in total."), range, total);
          else
            /* Translators: text alternative of the spend chart: "<days>: <amount> in total." */
            g_string_append_printf (text, _("Spend per day, %s: %s in total."), range, total);
          if (have_peak)
            {
              g_string_append_c (text, ' ');
              /* Translators: text alternative of the spend chart */
              g_string_append_printf (text, _("Highest: %s, %s."), peak_range, peak_cost);
            }
        }
      else
        {
          g_autofree char *total = sr_format_count (self->total);
          gint64 by_group[SR_N_STATUS_GROUPS] = { 0 };

          for (guint i = 0; i < self->n_buckets; i++)
            for (guint g = 0; g < SR_N_STATUS_GROUPS; g++)
              by_group[g] += self->buckets[i].by_group[g];

          if (self->bucket_size == SR_INSIGHTS_BUCKET_HOUR)
            /* Translators: text alternative of the messages chart: "<day>: <n> messages" */
            g_string_append_printf (text, ngettext ("Messages per hour, %s: %s message",
                                                    "Messages per hour, %s: %s messages", (gulong) self->total),
                                    range, total);
          else
            /* Translators: text alternative of the messages chart: "<days>: <n> messages" */
            g_string_append_printf (text, ngettext ("Messages per day, %s: %s message",
                                                    "Messages per day, %s: %s messages", (gulong) self->total),
                                    range, total);
          for (guint i = 0; i < G_N_ELEMENTS (stack_order); i++)
            {
              SrStatusGroup group = stack_order[i];
              g_autofree char *count = NULL;

              if (by_group[group] == 0)
                continue;
              count = sr_format_count (by_group[group]);
              /* Translators: part of the messages chart's text alternative: ", 1,234 delivered" */
              g_string_append_printf (text, _(", %s %s"), count, sr_status_group_get_label (group));
            }
          g_string_append_c (text, '.');
          if (have_peak)
            {
              g_autofree char *peak_count = sr_format_count (peak.total);

              g_string_append_c (text, ' ');
              /* Translators: part of the messages chart's text alternative */
              g_string_append_printf (text, ngettext ("Busiest: %s, %s message.", "Busiest: %s, %s messages.",
                                                      (gulong) peak.total),
                                      peak_range, peak_count);
            }
        }
    }

  g_free (self->summary);
  self->summary = g_string_free (g_steal_pointer (&text), FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, self->summary,
                                  -1);
}

/* --- geometry --- */

typedef struct
{
  float  x0, y0;        /* top left of the plot */
  float  width, height;
  float  slot;          /* horizontal space per bar */
  double max_value;     /* value at the top grid line */
  double step;          /* between grid lines */
  int    n_steps;
  int    decimals;      /* of the value labels */
} Geometry;

/* 1, 2 or 5 times a power of ten, at least value / 4, so there are at most
 * four grid lines above zero. Counts step by whole numbers: an empty chart
 * must not read "1, 1, 0" (0.5 rounded). */
static void
nice_scale (double    max,
            gboolean  whole,
            double   *out_step,
            int      *out_steps,
            int      *out_decimals)
{
  double raw, magnitude, step;
  int decimals;

  if (max <= 0)
    max = 1;

  raw = max / 4;
  magnitude = pow (10, floor (log10 (raw)));
  if (raw <= magnitude)
    step = magnitude;
  else if (raw <= 2 * magnitude)
    step = 2 * magnitude;
  else if (raw <= 5 * magnitude)
    step = 5 * magnitude;
  else
    step = 10 * magnitude;
  if (whole && step < 1)
    step = 1;

  decimals = step >= 1 ? 0 : (int) ceil (-log10 (step) - 1e-9);

  *out_step = step;
  *out_steps = MAX (1, (int) ceil (max / step - 1e-9));
  *out_decimals = CLAMP (decimals, 0, 4);
}

static char *
dup_value_label (SrChart *self,
                 double   value,
                 int      decimals)
{
  if (self->mode == SR_CHART_MODE_SPEND)
    return sr_format_decimal (value, decimals);
  return sr_format_count ((gint64) llround (value));
}

static PangoLayout *
create_layout (SrChart    *self,
               const char *text,
               gboolean    small)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);

  if (small)
    {
      PangoAttrList *attrs = pango_attr_list_new ();

      pango_attr_list_insert (attrs, pango_attr_scale_new (0.83));
      pango_attr_list_insert (attrs, pango_attr_font_features_new ("tnum=1"));
      pango_layout_set_attributes (layout, attrs);
      pango_attr_list_unref (attrs);
    }

  return layout;
}

static int
text_height (SrChart *self)
{
  g_autoptr(PangoLayout) layout = create_layout (self, "0", TRUE);
  int height;

  pango_layout_get_pixel_size (layout, NULL, &height);
  return height;
}

static double
max_bar_value (SrChart *self)
{
  double max = 0;
  guint n_bars = get_n_bars (self);

  for (guint i = 0; i < n_bars; i++)
    {
      Bar bar;

      get_bar (self, i, &bar);
      max = MAX (max, bar_value (self, &bar));
    }

  return max;
}

static void
compute_geometry (SrChart  *self,
                  Geometry *geo)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));
  int line = text_height (self);
  int label_width = 0;
  guint n_bars = get_n_bars (self);

  memset (geo, 0, sizeof *geo);
  nice_scale (max_bar_value (self), self->mode != SR_CHART_MODE_SPEND,
              &geo->step, &geo->n_steps, &geo->decimals);
  geo->max_value = geo->step * geo->n_steps;

  /* The widest value label sets the left margin. */
  for (int i = 0; i <= geo->n_steps; i++)
    {
      g_autofree char *text = dup_value_label (self, geo->step * i, geo->decimals);
      g_autoptr(PangoLayout) layout = create_layout (self, text, TRUE);
      int w;

      pango_layout_get_pixel_size (layout, &w, NULL);
      label_width = MAX (label_width, w);
    }

  geo->x0 = label_width + AXIS_GAP;
  geo->y0 = line / 2.0f + 1;
  geo->width = MAX (1, width - geo->x0 - 1);
  geo->height = MAX (1, height - geo->y0 - line - AXIS_GAP);
  geo->slot = n_bars > 0 ? geo->width / n_bars : geo->width;
}

static int
bar_at (SrChart *self,
        double   x)
{
  Geometry geo;
  guint n_bars = get_n_bars (self);
  int bar;

  if (n_bars == 0)
    return -1;

  compute_geometry (self, &geo);
  if (x < geo.x0 || x >= geo.x0 + geo.width)
    return -1;

  bar = (int) ((x - geo.x0) / geo.slot);
  return CLAMP (bar, 0, (int) n_bars - 1);
}

/* --- drawing --- */

static void
append_layout (GtkSnapshot   *snapshot,
               PangoLayout   *layout,
               float          x,
               float          y,
               const GdkRGBA *color)
{
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, y));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

/* out = fg * amount + bg * (1 - amount), opaque. */
static void
mix_colors (GdkRGBA       *out,
            const GdkRGBA *fg,
            const GdkRGBA *bg,
            float          amount)
{
  out->red = fg->red * amount + bg->red * (1 - amount);
  out->green = fg->green * amount + bg->green * (1 - amount);
  out->blue = fg->blue * amount + bg->blue * (1 - amount);
  out->alpha = 1;
}

static void
sr_chart_snapshot (GtkWidget   *widget,
                   GtkSnapshot *snapshot)
{
  SrChart *self = SR_CHART (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  guint n_bars = get_n_bars (self);
  GdkRGBA fg, bg, dim, grid, highlight, spend;
  GdkRGBA colors[SR_N_STATUS_GROUPS];
  gboolean high_contrast;
  Geometry geo;
  float bar_width, label_width = 0;
  guint label_every = 1;

  if (width <= 0 || height <= 0)
    return;

  high_contrast = adw_style_manager_get_high_contrast (adw_style_manager_get_default ());
  sr_lookup_foreground_color (widget, &fg);
  sr_lookup_named_color (widget, "window_bg_color", "#ffffff", &bg);
  dim = fg;
  grid = fg;
  highlight = fg;
  /* High contrast: labels in the full text colour, a grid that can be
   * seen, and no pale greys for the status groups. */
  dim.alpha *= high_contrast ? 1.0f : 0.6f;
  grid.alpha *= high_contrast ? 0.45f : 0.12f;
  highlight.alpha *= high_contrast ? 0.15f : 0.07f;
  sr_lookup_named_color (widget, "sr_spend_color", "#3584e4", &spend);
  for (guint g = 0; g < SR_N_STATUS_GROUPS; g++)
    sr_status_group_lookup_color (widget, g, &colors[g]);
  if (high_contrast)
    {
      mix_colors (&colors[SR_STATUS_GROUP_NOT_SENT], &fg, &bg, 0.35f);
      mix_colors (&colors[SR_STATUS_GROUP_OTHER], &fg, &bg, 0.55f);
    }

  compute_geometry (self, &geo);

  /* Grid lines and value labels. */
  for (int i = 0; i <= geo.n_steps; i++)
    {
      float y = geo.y0 + geo.height - (float) (geo.height * i / geo.n_steps);
      g_autofree char *text = dup_value_label (self, geo.step * i, geo.decimals);
      g_autoptr(PangoLayout) layout = create_layout (self, text, TRUE);
      int w, h;

      pango_layout_get_pixel_size (layout, &w, &h);
      append_layout (snapshot, layout, geo.x0 - AXIS_GAP - w, y - h / 2.0f, &dim);
      gtk_snapshot_append_color (snapshot, i == 0 ? &dim : &grid,
                                 &GRAPHENE_RECT_INIT (geo.x0, floorf (y), geo.width, 1));
    }

  if (n_bars == 0 || (self->mode == SR_CHART_MODE_MESSAGES ? self->total == 0 : self->total_cost <= 0))
    {
      g_autoptr(PangoLayout) layout = create_layout (self,
                                                     self->mode == SR_CHART_MODE_SPEND && self->total > 0
                                                       ? _("Nothing spent in this period")
                                                       : _("No messages in this period"),
                                                     FALSE);
      int w, h;

      pango_layout_get_pixel_size (layout, &w, &h);
      append_layout (snapshot, layout,
                     geo.x0 + (geo.width - w) / 2.0f,
                     geo.y0 + (geo.height - h) / 2.0f,
                     &dim);
    }

  if (n_bars == 0)
    return;

  /* Bars, with a gap between them while there is room for one. */
  bar_width = geo.slot >= 4 ? MAX (1.0f, floorf (geo.slot * 0.7f)) : geo.slot;

  if (self->hover_bar >= 0 && (guint) self->hover_bar < n_bars)
    gtk_snapshot_append_color (snapshot, &highlight,
                               &GRAPHENE_RECT_INIT (geo.x0 + self->hover_bar * geo.slot, geo.y0,
                                                    geo.slot, geo.height));

  for (guint i = 0; i < n_bars; i++)
    {
      float x = geo.x0 + i * geo.slot + (geo.slot - bar_width) / 2;
      float bottom = geo.y0 + geo.height;
      Bar bar;

      get_bar (self, i, &bar);

      if (self->mode == SR_CHART_MODE_SPEND)
        {
          float h = (float) (bar.cost / geo.max_value * geo.height);

          if (bar.cost > 0)
            gtk_snapshot_append_color (snapshot, &spend,
                                       &GRAPHENE_RECT_INIT (x, bottom - MAX (h, 1), bar_width, MAX (h, 1)));
          continue;
        }

      for (guint g = 0; g < G_N_ELEMENTS (stack_order); g++)
        {
          SrStatusGroup group = stack_order[g];
          float h;

          if (bar.by_group[group] <= 0)
            continue;

          /* A group that is there stays visible, even next to big ones. */
          h = MAX (1.0f, (float) (bar.by_group[group] / geo.max_value * geo.height));
          gtk_snapshot_append_color (snapshot, &colors[group],
                                     &GRAPHENE_RECT_INIT (x, bottom - h, bar_width, h));
          /* High contrast: a line in the background colour between the
           * groups of a bar, so they do not differ by colour alone. */
          if (high_contrast && bottom < geo.y0 + geo.height && h > 2 && bar_width >= 3)
            gtk_snapshot_append_color (snapshot, &bg, &GRAPHENE_RECT_INIT (x, bottom - 1, bar_width, 1));
          bottom -= h;
        }
    }

  /* The delivery and failure rates per bar as lines over the bars, on a
   * 0–100 % scale of the plot's height (labelled at its top right). */
  if (self->mode == SR_CHART_MODE_MESSAGES && self->n_buckets > 0)
    {
      static const SrStatusGroup rate_groups[] = { SR_STATUS_GROUP_DELIVERED, SR_STATUS_GROUP_FAILED };

      for (guint r = 0; r < G_N_ELEMENTS (rate_groups); r++)
        {
          g_autoptr(GskPathBuilder) builder = gsk_path_builder_new ();
          g_autoptr(GskPath) path = NULL;
          g_autoptr(GskStroke) stroke = gsk_stroke_new (2);
          GdkRGBA line = colors[rate_groups[r]];
          gboolean started = FALSE;
          guint n_points = 0;

          line.red *= 0.6f;
          line.green *= 0.6f;
          line.blue *= 0.6f;
          for (guint i = 0; i < n_bars; i++)
            {
              Bar bar;
              double rate;
              float x, y;

              get_bar (self, i, &bar);
              rate = bar_rate (&bar, rate_groups[r]);
              if (rate < 0)
                {
                  started = FALSE;   /* a gap where nothing settled */
                  continue;
                }
              x = geo.x0 + i * geo.slot + geo.slot / 2;
              y = geo.y0 + geo.height * (1 - (float) rate);
              if (started)
                gsk_path_builder_line_to (builder, x, y);
              else
                gsk_path_builder_move_to (builder, x, y);
              gsk_path_builder_add_circle (builder, &GRAPHENE_POINT_INIT (x, y), 1.5f);
              gsk_path_builder_move_to (builder, x, y);
              started = TRUE;
              n_points++;
            }
          if (n_points == 0)
            continue;
          path = gsk_path_builder_free_to_path (g_steal_pointer (&builder));
          gtk_snapshot_append_stroke (snapshot, path, stroke, &line);
        }

      {
        g_autofree char *full = sr_format_percent (1.0);
        g_autoptr(PangoLayout) layout = create_layout (self, full, TRUE);
        int w;

        pango_layout_get_pixel_size (layout, &w, NULL);
        append_layout (snapshot, layout, geo.x0 + geo.width - w, geo.y0 - text_height (self) / 2.0f, &dim);
      }
    }

  /* Time labels under the bars, as many as fit without touching. */
  for (guint i = 0; i < n_bars; i += MAX (1, n_bars / 6))
    {
      g_autofree char *text = dup_axis_label (self, self->buckets[i * self->group_size].start);
      g_autoptr(PangoLayout) layout = create_layout (self, text, TRUE);
      int w;

      pango_layout_get_pixel_size (layout, &w, NULL);
      label_width = MAX (label_width, w);
    }
  label_every = MAX (1, (guint) ceilf ((label_width + 12) / geo.slot));

  for (guint i = 0; i < n_bars; i += label_every)
    {
      g_autofree char *text = dup_axis_label (self, self->buckets[i * self->group_size].start);
      g_autoptr(PangoLayout) layout = create_layout (self, text, TRUE);
      float x;
      int w;

      pango_layout_get_pixel_size (layout, &w, NULL);
      x = geo.x0 + i * geo.slot + geo.slot / 2 - w / 2.0f;
      x = CLAMP (x, 0, width - w);
      append_layout (snapshot, layout, x, geo.y0 + geo.height + AXIS_GAP / 2.0f, &dim);
    }

  if (self->keyboard_focus && gtk_widget_has_visible_focus (widget) &&
      self->hover_bar >= 0 && (guint) self->hover_bar < n_bars)
    {
      GskRoundedRect outline;
      GdkRGBA focus = fg;
      float widths[4] = { 2, 2, 2, 2 };
      GdkRGBA focus_colors[4];

      sr_lookup_named_color (widget, "accent_color", "#3584e4", &focus);
      for (guint i = 0; i < 4; i++)
        focus_colors[i] = focus;
      gsk_rounded_rect_init_from_rect (&outline,
                                       &GRAPHENE_RECT_INIT (geo.x0 + self->hover_bar * geo.slot, geo.y0,
                                                            geo.slot, geo.height),
                                       3);
      gtk_snapshot_append_border (snapshot, &outline, widths, focus_colors);
    }
}

static void
sr_chart_measure (GtkWidget      *widget,
                  GtkOrientation  orientation,
                  int             for_size,
                  int            *minimum,
                  int            *natural,
                  int            *minimum_baseline,
                  int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 160;
      *natural = 480;
    }
  else
    {
      *minimum = 120;
      *natural = 180;
    }
}

static void
update_group_size (SrChart *self,
                   int      width)
{
  guint group_size = 1;
  Geometry geo;
  guint max_bars;

  if (self->n_buckets > 0 && width > 0)
    {
      compute_geometry (self, &geo);
      max_bars = MAX (1, (guint) (geo.width / MIN_SLOT_WIDTH));
      group_size = (self->n_buckets + max_bars - 1) / max_bars;
    }

  group_size = MAX (group_size, 1);
  if (group_size != self->group_size)
    {
      self->group_size = group_size;
      self->hover_bar = -1;
      gtk_widget_trigger_tooltip_query (GTK_WIDGET (self));
    }
}

static void
sr_chart_size_allocate (GtkWidget *widget,
                        int        width,
                        int        height,
                        int        baseline)
{
  update_group_size (SR_CHART (widget), width);
}

/* --- interaction --- */

static void
set_hover_bar (SrChart *self,
               int      bar)
{
  if (self->hover_bar == bar)
    return;

  self->hover_bar = bar;
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), bar >= 0 ? "pointer" : NULL);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_motion_cb (SrChart                  *self,
              double                    x,
              double                    y,
              GtkEventControllerMotion *controller)
{
  self->keyboard_focus = FALSE;
  set_hover_bar (self, bar_at (self, x));
}

static void
on_leave_cb (SrChart                  *self,
             GtkEventControllerMotion *controller)
{
  if (!self->keyboard_focus)
    set_hover_bar (self, -1);
}

static void
activate_bar (SrChart *self,
              int      index)
{
  Bar bar;

  if (index < 0 || (guint) index >= get_n_bars (self))
    return;

  get_bar (self, index, &bar);
  g_signal_emit (self, signals[BAR_ACTIVATED], 0, bar.start, bar.end);
}

static void
on_released_cb (SrChart         *self,
                int              n_press,
                double           x,
                double           y,
                GtkGestureClick *gesture)
{
  activate_bar (self, bar_at (self, x));
}

/* GTK's test context (GTK_A11Y=test or none, as in the tests) has no
 * announcements and crashes on one (GTK 4.18). */
static gboolean
can_announce (GtkAccessible *accessible)
{
  g_autoptr(GtkATContext) context = gtk_accessible_get_at_context (accessible);

  return context != NULL && g_strcmp0 (G_OBJECT_TYPE_NAME (context), "GtkTestATContext") != 0;
}

/* A screen reader says the bar the arrow keys moved to, as the tooltip
 * shows it; while a bar is picked, it is also the chart's description
 * (followed by the summary), so it can be read again. */
static void
announce_bar (SrChart *self,
              int      bar)
{
  g_autofree char *text = NULL;
  g_autofree char *description = NULL;

  if (bar < 0 || (guint) bar >= get_n_bars (self))
    return;

  text = sr_chart_dup_bar_text (self, (guint) bar);
  description = g_strdup_printf ("%s. %s", text, self->summary != NULL ? self->summary : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                  -1);
  if (can_announce (GTK_ACCESSIBLE (self)))
    gtk_accessible_announce (GTK_ACCESSIBLE (self), text, GTK_ACCESSIBLE_ANNOUNCEMENT_PRIORITY_MEDIUM);
}

static gboolean
on_key_pressed_cb (SrChart               *self,
                   guint                  keyval,
                   guint                  keycode,
                   GdkModifierType        state,
                   GtkEventControllerKey *controller)
{
  int n_bars = (int) get_n_bars (self);
  int bar = self->hover_bar;

  if (n_bars == 0)
    return FALSE;

  switch (keyval)
    {
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
      bar = bar < 0 ? n_bars - 1 : MAX (0, bar - 1);
      break;
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
      bar = bar < 0 ? 0 : MIN (n_bars - 1, bar + 1);
      break;
    case GDK_KEY_Home:
      bar = 0;
      break;
    case GDK_KEY_End:
      bar = n_bars - 1;
      break;
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_space:
      activate_bar (self, bar);
      return bar >= 0;
    default:
      return FALSE;
    }

  self->keyboard_focus = TRUE;
  set_hover_bar (self, bar);
  gtk_widget_trigger_tooltip_query (GTK_WIDGET (self));
  announce_bar (self, bar);

  return TRUE;
}

static gboolean
on_query_tooltip_cb (SrChart    *self,
                     int         x,
                     int         y,
                     gboolean    keyboard_mode,
                     GtkTooltip *tooltip)
{
  g_autofree char *text = NULL;
  int bar = keyboard_mode ? self->hover_bar : bar_at (self, x);

  if (bar < 0)
    return FALSE;

  text = sr_chart_dup_bar_text (self, (guint) bar);
  gtk_tooltip_set_text (tooltip, text);

  return TRUE;
}

/* --- GObject --- */

static void
sr_chart_dispose (GObject *object)
{
  SrChart *self = SR_CHART (object);

  g_clear_pointer (&self->buckets, g_free);
  self->n_buckets = 0;
  g_clear_pointer (&self->zone, g_time_zone_unref);

  G_OBJECT_CLASS (sr_chart_parent_class)->dispose (object);
}

static void
sr_chart_finalize (GObject *object)
{
  SrChart *self = SR_CHART (object);

  g_clear_pointer (&self->currency, g_free);
  g_clear_pointer (&self->summary, g_free);

  G_OBJECT_CLASS (sr_chart_parent_class)->finalize (object);
}

static void
sr_chart_class_init (SrChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sr_chart_dispose;
  object_class->finalize = sr_chart_finalize;
  widget_class->snapshot = sr_chart_snapshot;
  widget_class->measure = sr_chart_measure;
  widget_class->size_allocate = sr_chart_size_allocate;

  /**
   * SrChart::bar-activated:
   * @start: the bar's first moment, usec UTC
   * @end: the moment after its last, usec UTC
   *
   * A bar was clicked, or chosen with the keyboard and activated.
   */
  signals[BAR_ACTIVATED] =
    g_signal_new ("bar-activated",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2,
                  G_TYPE_INT64,
                  G_TYPE_INT64);

  gtk_widget_class_set_css_name (widget_class, "chart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
sr_chart_init (SrChart *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();
  GtkGesture *click = gtk_gesture_click_new ();
  GtkEventController *keys = gtk_event_controller_key_new ();

  self->group_size = 1;
  self->hover_bar = -1;
  self->zone = g_time_zone_new_local ();

  g_signal_connect_swapped (motion, "motion", G_CALLBACK (on_motion_cb), self);
  g_signal_connect_swapped (motion, "leave", G_CALLBACK (on_leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect_swapped (click, "released", G_CALLBACK (on_released_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  g_signal_connect_swapped (keys, "key-pressed", G_CALLBACK (on_key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::high-contrast",
                           G_CALLBACK (gtk_widget_queue_draw), self, G_CONNECT_SWAPPED);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (on_query_tooltip_cb), NULL);

  update_summary (self);
}

GtkWidget *
sr_chart_new (void)
{
  return g_object_new (SR_TYPE_CHART, NULL);
}

void
sr_chart_set_mode (SrChart     *self,
                   SrChartMode  mode)
{
  g_return_if_fail (SR_IS_CHART (self));

  if (self->mode == mode)
    return;

  self->mode = mode;
  update_summary (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

SrChartMode
sr_chart_get_mode (SrChart *self)
{
  g_return_val_if_fail (SR_IS_CHART (self), SR_CHART_MODE_MESSAGES);

  return self->mode;
}

void
sr_chart_set_buckets (SrChart                *self,
                      const SrInsightsBucket *buckets,
                      guint                   n_buckets,
                      SrInsightsBucketSize    bucket_size,
                      GTimeZone              *zone,
                      const char             *currency)
{
  g_return_if_fail (SR_IS_CHART (self));
  g_return_if_fail (n_buckets == 0 || buckets != NULL);

  g_clear_pointer (&self->buckets, g_free);
  self->buckets = n_buckets > 0 ? g_memdup2 (buckets, sizeof *buckets * n_buckets) : NULL;
  self->n_buckets = n_buckets;
  self->bucket_size = bucket_size;

  g_clear_pointer (&self->zone, g_time_zone_unref);
  self->zone = zone != NULL ? g_time_zone_ref (zone) : g_time_zone_new_local ();

  if (g_strcmp0 (self->currency, currency) != 0)
    {
      g_free (self->currency);
      self->currency = g_strdup (currency);
    }

  self->total = 0;
  self->total_cost = 0;
  for (guint i = 0; i < n_buckets; i++)
    {
      self->total += buckets[i].total;
      self->total_cost += buckets[i].cost;
    }

  self->hover_bar = -1;
  self->keyboard_focus = FALSE;
  update_group_size (self, gtk_widget_get_width (GTK_WIDGET (self)));
  update_summary (self);
  /* The value labels' width, hence the plot's, depends on the data. */
  gtk_widget_queue_allocate (GTK_WIDGET (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
sr_chart_get_n_buckets (SrChart *self)
{
  g_return_val_if_fail (SR_IS_CHART (self), 0);

  return self->n_buckets;
}

gint64
sr_chart_get_total (SrChart *self)
{
  g_return_val_if_fail (SR_IS_CHART (self), 0);

  return self->total;
}

guint
sr_chart_get_n_bars (SrChart *self)
{
  g_return_val_if_fail (SR_IS_CHART (self), 0);

  return get_n_bars (self);
}

const char *
sr_chart_get_summary (SrChart *self)
{
  g_return_val_if_fail (SR_IS_CHART (self), NULL);

  return self->summary;
}

GStrv
sr_chart_dup_axis_values (SrChart *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  double step;
  int n_steps, decimals;

  g_return_val_if_fail (SR_IS_CHART (self), NULL);

  nice_scale (max_bar_value (self), self->mode != SR_CHART_MODE_SPEND, &step, &n_steps, &decimals);
  for (int i = 0; i <= n_steps; i++)
    {
      g_autofree char *text = dup_value_label (self, step * i, decimals);

      g_strv_builder_add (builder, text);
    }

  return g_strv_builder_end (builder);
}
