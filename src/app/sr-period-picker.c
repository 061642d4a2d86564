/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-period-picker.c: the period menu button the three report pages share.
 * It owns the presets (their order, names and days), the custom range of
 * whole days, and the display time zone; a page asks it for [from, to) and
 * hears "changed" when the user picks. A range from elsewhere (a Dashboard
 * click-through) comes back in with sr_period_picker_set_range().
 */
#define G_LOG_DOMAIN "sr-period-picker"

#include "config.h"

#include <glib/gi18n.h>

#include "sr-core.h"
#include "sr-format.h"
#include "sr-gtk-compat.h"
#include "sr-period-picker.h"

/* The menu's order; the setting's names of the Dashboard's period. */
static const struct {
  SrPeriod    period;
  const char *label;
  const char *name;
} presets[] = {
  { SR_PERIOD_TODAY,      N_("Today"),        "today" },
  { SR_PERIOD_7_DAYS,     N_("Last 7 Days"),  "7-days" },
  { SR_PERIOD_30_DAYS,    N_("Last 30 Days"), "30-days" },
  { SR_PERIOD_THIS_MONTH, N_("This Month"),   "this-month" },
  { SR_PERIOD_LAST_MONTH, N_("Last Month"),   "last-month" },
  { SR_PERIOD_ALL,        N_("All Time"),     "all" },
};

struct _SrPeriodPicker
{
  AdwBin          parent_instance;

  GtkMenuButton  *button;
  GtkPopover     *popover;
  GtkStack       *stack;
  GtkBox         *presets_box;
  GtkToggleButton *from_toggle;
  GtkToggleButton *to_toggle;
  GtkLabel       *from_label;
  GtkLabel       *to_label;
  GtkStack       *calendar_stack;
  GtkCalendar    *from_calendar;
  GtkCalendar    *to_calendar;
  GtkButton      *apply_button;

  GtkCheckButton *checks[G_N_ELEMENTS (presets)];
  GtkWidget      *custom_button;

  GSettings      *settings;
  SrPeriod        period;
  GDateTime      *first_day;          /* of the custom range, day precision */
  GDateTime      *last_day;
  gboolean        updating;
};

G_DEFINE_FINAL_TYPE (SrPeriodPicker, sr_period_picker, ADW_TYPE_BIN)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gint64
usec_of (GDateTime *dt)
{
  return g_date_time_to_unix (dt) * G_USEC_PER_SEC;
}

static GDateTime *
midnight_of (GTimeZone *tz,
             GDateTime *day)
{
  return g_date_time_new (tz,
                          g_date_time_get_year (day),
                          g_date_time_get_month (day),
                          g_date_time_get_day_of_month (day),
                          0, 0, 0);
}

static void
compute_range (SrPeriodPicker *self,
               SrPeriod        period,
               gint64         *out_from,
               gint64         *out_to)
{
  g_autoptr(GTimeZone) tz = sr_period_picker_dup_zone (self);
  g_autoptr(GDateTime) now = g_date_time_new_now (tz);
  g_autoptr(GDateTime) today = midnight_of (tz, now);
  g_autoptr(GDateTime) month = g_date_time_new (tz, g_date_time_get_year (now), g_date_time_get_month (now),
                                                1, 0, 0, 0);
  g_autoptr(GDateTime) start = NULL;
  g_autoptr(GDateTime) end = NULL;

  *out_from = SR_TIME_NONE;
  *out_to = SR_TIME_NONE;

  switch (period)
    {
    case SR_PERIOD_TODAY:
      start = g_date_time_ref (today);
      break;
    case SR_PERIOD_7_DAYS:
      start = g_date_time_add_days (today, -6);
      break;
    case SR_PERIOD_30_DAYS:
      start = g_date_time_add_days (today, -29);
      break;
    case SR_PERIOD_THIS_MONTH:
      start = g_date_time_ref (month);
      break;
    case SR_PERIOD_LAST_MONTH:
      start = g_date_time_add_months (month, -1);
      end = g_date_time_ref (month);
      break;
    case SR_PERIOD_CUSTOM:
      if (self->first_day != NULL && self->last_day != NULL)
        {
          g_autoptr(GDateTime) last = midnight_of (tz, self->last_day);

          start = midnight_of (tz, self->first_day);
          end = g_date_time_add_days (last, 1);
        }
      break;
    case SR_PERIOD_ALL:
    default:
      return;
    }

  if (start == NULL)
    return;
  if (end == NULL)
    end = g_date_time_add_days (today, 1);

  *out_from = usec_of (start);
  *out_to = usec_of (end);
}

static void
update_controls (SrPeriodPicker *self)
{
  g_autofree char *label = NULL;

  self->updating = TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
    gtk_check_button_set_active (self->checks[i], presets[i].period == self->period);
  self->updating = FALSE;

  if (self->period == SR_PERIOD_CUSTOM && self->first_day != NULL && self->last_day != NULL)
    {
      g_autofree char *first = sr_format_day (self->first_day);
      g_autofree char *last = sr_format_day (self->last_day);

      if (g_strcmp0 (first, last) == 0)
        label = g_steal_pointer (&first);
      else
        /* Translators: a custom range of days, e.g. "May 1, 2026 – May 7, 2026" */
        label = g_strdup_printf (_("%s – %s"), first, last);
    }
  else
    label = g_strdup (sr_period_get_label (self->period));

  gtk_menu_button_set_label (self->button, label);
}

static void
update_day_labels (SrPeriodPicker *self)
{
  g_autoptr(GDateTime) first = gtk_calendar_get_date (self->from_calendar);
  g_autoptr(GDateTime) last = gtk_calendar_get_date (self->to_calendar);
  g_autofree char *first_text = sr_format_day (first);
  g_autofree char *last_text = sr_format_day (last);

  gtk_label_set_label (self->from_label, first_text);
  gtk_label_set_label (self->to_label, last_text);
}

static void on_day_selected_cb (SrPeriodPicker *self,
                                GtkCalendar    *calendar);

static GtkCalendar *
add_calendar (SrPeriodPicker *self,
              const char     *name,
              const char     *accessible_label)
{
  GtkWidget *calendar = gtk_calendar_new ();

  g_signal_connect_object (calendar, "day-selected", G_CALLBACK (on_day_selected_cb),
                           self, G_CONNECT_SWAPPED);
  gtk_accessible_update_property (GTK_ACCESSIBLE (calendar),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible_label, -1);
  gtk_stack_add_named (self->calendar_stack, calendar, name);

  return GTK_CALENDAR (calendar);
}

/* Made when the custom range is first shown, not with the picker: two
 * GtkCalendars are about 120 widgets, a fifth of the Messages Log's
 * widgets before its first frame, for a page most starts never open. */
static void
ensure_calendars (SrPeriodPicker *self)
{
  if (self->from_calendar != NULL)
    return;

  self->from_calendar = add_calendar (self, "from", _("First day"));
  self->to_calendar = add_calendar (self, "to", _("Last day"));
}

/* The calendars start on the range in force: the custom days, or the
 * preset's first and last day. */
static void
show_custom_page (SrPeriodPicker *self)
{
  g_autoptr(GTimeZone) tz = sr_period_picker_dup_zone (self);
  g_autoptr(GDateTime) first = NULL;
  g_autoptr(GDateTime) last = NULL;
  gint64 from, to;

  ensure_calendars (self);

  compute_range (self, self->period, &from, &to);
  if (from != SR_TIME_NONE && to != SR_TIME_NONE)
    {
      g_autoptr(GDateTime) first_utc = g_date_time_new_from_unix_utc (from / G_USEC_PER_SEC);
      g_autoptr(GDateTime) last_utc = g_date_time_new_from_unix_utc (to / G_USEC_PER_SEC - 1);

      first = g_date_time_to_timezone (first_utc, tz);
      last = g_date_time_to_timezone (last_utc, tz);
    }
  else
    {
      first = g_date_time_new_now (tz);
      last = g_date_time_ref (first);
    }

  self->updating = TRUE;
  sr_calendar_select_date (self->from_calendar, first);
  sr_calendar_select_date (self->to_calendar, last);
  self->updating = FALSE;
  update_day_labels (self);

  gtk_toggle_button_set_active (self->from_toggle, TRUE);
  gtk_stack_set_visible_child_name (self->calendar_stack, "from");
  gtk_stack_set_visible_child_name (self->stack, "custom");
  gtk_widget_grab_focus (GTK_WIDGET (self->from_calendar));
}

static void
on_preset_toggled_cb (SrPeriodPicker *self,
                      GtkCheckButton *check)
{
  g_assert (SR_IS_PERIOD_PICKER (self));

  if (self->updating || !gtk_check_button_get_active (check))
    return;

  for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
    if (self->checks[i] == check)
      {
        self->period = presets[i].period;
        break;
      }

  update_controls (self);
  gtk_popover_popdown (self->popover);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
on_custom_clicked_cb (SrPeriodPicker *self)
{
  g_assert (SR_IS_PERIOD_PICKER (self));

  show_custom_page (self);
}

static void
on_back_clicked_cb (SrPeriodPicker *self)
{
  g_assert (SR_IS_PERIOD_PICKER (self));

  gtk_stack_set_visible_child_name (self->stack, "presets");
  gtk_widget_grab_focus (self->custom_button);
}

static void
on_day_toggle_toggled_cb (SrPeriodPicker  *self,
                          GtkToggleButton *toggle)
{
  g_assert (SR_IS_PERIOD_PICKER (self));

  if (!gtk_toggle_button_get_active (toggle))
    return;

  ensure_calendars (self);
  gtk_stack_set_visible_child_name (self->calendar_stack, toggle == self->from_toggle ? "from" : "to");
}

static void
on_day_selected_cb (SrPeriodPicker *self,
                    GtkCalendar    *calendar)
{
  g_assert (SR_IS_PERIOD_PICKER (self));

  update_day_labels (self);

  /* After the first day, the last one. */
  if (!self->updating && calendar == self->from_calendar)
    gtk_toggle_button_set_active (self->to_toggle, TRUE);
}

static void
on_apply_clicked_cb (SrPeriodPicker *self)
{
  g_autoptr(GDateTime) first = NULL;
  g_autoptr(GDateTime) last = NULL;

  g_assert (SR_IS_PERIOD_PICKER (self));

  ensure_calendars (self);
  first = gtk_calendar_get_date (self->from_calendar);
  last = gtk_calendar_get_date (self->to_calendar);
  sr_period_picker_apply_custom (self, first, last);
}

static void
on_popover_show_cb (SrPeriodPicker *self)
{
  g_assert (SR_IS_PERIOD_PICKER (self));

  /* A custom range opens on its days, to change them. */
  if (self->period == SR_PERIOD_CUSTOM)
    show_custom_page (self);
  else
    gtk_stack_set_visible_child_name (self->stack, "presets");
}

static void
on_popover_closed_cb (SrPeriodPicker *self)
{
  g_assert (SR_IS_PERIOD_PICKER (self));

  gtk_stack_set_visible_child_name (self->stack, "presets");
}

static void
sr_period_picker_dispose (GObject *object)
{
  SrPeriodPicker *self = SR_PERIOD_PICKER (object);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (sr_period_picker_parent_class)->dispose (object);
}

static void
sr_period_picker_finalize (GObject *object)
{
  SrPeriodPicker *self = SR_PERIOD_PICKER (object);

  g_clear_pointer (&self->first_day, g_date_time_unref);
  g_clear_pointer (&self->last_day, g_date_time_unref);

  G_OBJECT_CLASS (sr_period_picker_parent_class)->finalize (object);
}

static void
sr_period_picker_class_init (SrPeriodPickerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sr_period_picker_dispose;
  object_class->finalize = sr_period_picker_finalize;

  /**
   * SrPeriodPicker::changed:
   *
   * The user chose a period (a preset, or a custom range with "Apply").
   */
  signals[CHANGED] = g_signal_new ("changed",
                                   G_TYPE_FROM_CLASS (klass),
                                   G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/sr-period-picker.ui");
  gtk_widget_class_bind_template_child (widget_class, SrPeriodPicker, button);
  gtk_widget_class_bind_template_child (widget_class, SrPeriodPicker, popover);
  gtk_widget_class_bind_template_child (widget_class, SrPeriodPicker, stack);
  gtk_widget_class_bind_template_child (widget_class, SrPeriodPicker, presets_box);
  gtk_widget_class_bind_template_child (widget_class, SrPeriodPicker, from_toggle);
  gtk_widget_class_bind_template_child (widget_class, SrPeriodPicker, to_toggle);
  gtk_widget_class_bind_template_child (widget_class, SrPeriodPicker, from_label);
  gtk_widget_class_bind_template_child (widget_class, SrPeriodPicker, to_label);
  gtk_widget_class_bind_template_child (widget_class, SrPeriodPicker, calendar_stack);
  gtk_widget_class_bind_template_child (widget_class, SrPeriodPicker, apply_button);
  gtk_widget_class_bind_template_callback (widget_class, on_back_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_day_toggle_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_apply_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_popover_show_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_popover_closed_cb);
}

static void
sr_period_picker_init (SrPeriodPicker *self)
{
  GtkWidget *custom_box, *custom_label, *arrow;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APPLICATION_ID);
  self->period = SR_PERIOD_ALL;

  for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
    {
      GtkWidget *check = gtk_check_button_new_with_label (_(presets[i].label));

      if (i > 0)
        gtk_check_button_set_group (GTK_CHECK_BUTTON (check), self->checks[0]);
      g_signal_connect_object (check, "toggled", G_CALLBACK (on_preset_toggled_cb), self, G_CONNECT_SWAPPED);
      gtk_box_append (self->presets_box, check);
      self->checks[i] = GTK_CHECK_BUTTON (check);
    }

  /* Opens the calendars in place of the presets. */
  self->custom_button = gtk_button_new ();
  custom_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  custom_label = gtk_label_new (_("Custom Range…"));
  arrow = gtk_image_new_from_icon_name ("go-next-symbolic");
  gtk_label_set_xalign (GTK_LABEL (custom_label), 0);
  /* A menu item like the presets, not a bold button label. */
  {
    PangoAttrList *attrs = pango_attr_list_new ();

    pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_NORMAL));
    gtk_label_set_attributes (GTK_LABEL (custom_label), attrs);
    pango_attr_list_unref (attrs);
  }
  gtk_widget_set_hexpand (custom_label, TRUE);
  gtk_box_append (GTK_BOX (custom_box), custom_label);
  gtk_box_append (GTK_BOX (custom_box), arrow);
  gtk_button_set_child (GTK_BUTTON (self->custom_button), custom_box);
  gtk_widget_add_css_class (self->custom_button, "flat");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->custom_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Custom Range…"),
                                  -1);
  g_signal_connect_object (self->custom_button, "clicked", G_CALLBACK (on_custom_clicked_cb), self, G_CONNECT_SWAPPED);
  gtk_box_append (self->presets_box, gtk_separator_new (GTK_ORIENTATION_HORIZONTAL));
  gtk_box_append (self->presets_box, self->custom_button);

  update_controls (self);
}

GtkWidget *
sr_period_picker_new (void)
{
  return g_object_new (SR_TYPE_PERIOD_PICKER, NULL);
}

const char *
sr_period_get_label (SrPeriod period)
{
  for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
    if (presets[i].period == period)
      return _(presets[i].label);

  return _("Custom Range");
}

const char *
sr_period_to_string (SrPeriod period)
{
  for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
    if (presets[i].period == period)
      return presets[i].name;

  return NULL;
}

SrPeriod
sr_period_from_string (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
    if (g_strcmp0 (presets[i].name, name) == 0)
      return presets[i].period;

  return SR_PERIOD_CUSTOM;
}

SrPeriod
sr_period_picker_get_period (SrPeriodPicker *self)
{
  g_return_val_if_fail (SR_IS_PERIOD_PICKER (self), SR_PERIOD_ALL);

  return self->period;
}

void
sr_period_picker_set_period (SrPeriodPicker *self,
                             SrPeriod        period)
{
  g_return_if_fail (SR_IS_PERIOD_PICKER (self));
  g_return_if_fail (period <= SR_PERIOD_CUSTOM);

  if (period == SR_PERIOD_CUSTOM && (self->first_day == NULL || self->last_day == NULL))
    {
      g_autoptr(GTimeZone) tz = sr_period_picker_dup_zone (self);

      self->first_day = g_date_time_new_now (tz);
      self->last_day = g_date_time_ref (self->first_day);
    }

  self->period = period;
  update_controls (self);
}

void
sr_period_picker_set_custom_days (SrPeriodPicker *self,
                                  GDateTime      *first_day,
                                  GDateTime      *last_day)
{
  g_return_if_fail (SR_IS_PERIOD_PICKER (self));
  g_return_if_fail (first_day != NULL && last_day != NULL);

  if (g_date_time_compare (first_day, last_day) > 0)
    {
      GDateTime *tmp = first_day;

      first_day = last_day;
      last_day = tmp;
    }

  g_clear_pointer (&self->first_day, g_date_time_unref);
  g_clear_pointer (&self->last_day, g_date_time_unref);
  self->first_day = g_date_time_ref (first_day);
  self->last_day = g_date_time_ref (last_day);
  self->period = SR_PERIOD_CUSTOM;
  update_controls (self);
}

void
sr_period_picker_apply_custom (SrPeriodPicker *self,
                               GDateTime      *first_day,
                               GDateTime      *last_day)
{
  g_return_if_fail (SR_IS_PERIOD_PICKER (self));
  g_return_if_fail (first_day != NULL && last_day != NULL);

  sr_period_picker_set_custom_days (self, first_day, last_day);
  gtk_popover_popdown (self->popover);
  g_signal_emit (self, signals[CHANGED], 0);
}

void
sr_period_picker_get_range (SrPeriodPicker *self,
                            gint64         *out_from,
                            gint64         *out_to)
{
  g_return_if_fail (SR_IS_PERIOD_PICKER (self));
  g_return_if_fail (out_from != NULL && out_to != NULL);

  compute_range (self, self->period, out_from, out_to);
}

/* The local day that starts at usec, or NULL when usec is not a midnight. */
static GDateTime *
dup_day_starting_at (GTimeZone *tz,
                     gint64     usec)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;

  if (usec == SR_TIME_NONE || usec % G_USEC_PER_SEC != 0)
    return NULL;

  utc = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  if (utc == NULL)
    return NULL;
  local = g_date_time_to_timezone (utc, tz);
  if (g_date_time_get_hour (local) != 0 ||
      g_date_time_get_minute (local) != 0 ||
      g_date_time_get_second (local) != 0)
    return NULL;

  return g_steal_pointer (&local);
}

gboolean
sr_period_picker_set_range (SrPeriodPicker *self,
                            gint64          from,
                            gint64          to)
{
  g_autoptr(GTimeZone) tz = NULL;
  g_autoptr(GDateTime) first = NULL;
  g_autoptr(GDateTime) end = NULL;
  g_autoptr(GDateTime) last = NULL;
  gint64 today_from, tomorrow;

  g_return_val_if_fail (SR_IS_PERIOD_PICKER (self), FALSE);

  if (from == SR_TIME_NONE && to == SR_TIME_NONE)
    {
      sr_period_picker_set_period (self, SR_PERIOD_ALL);
      return TRUE;
    }

  compute_range (self, SR_PERIOD_TODAY, &today_from, &tomorrow);
  if (to == SR_TIME_NONE)
    to = tomorrow;

  for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
    {
      gint64 preset_from, preset_to;

      compute_range (self, presets[i].period, &preset_from, &preset_to);
      if (preset_from != SR_TIME_NONE && preset_from == from && preset_to == to)
        {
          sr_period_picker_set_period (self, presets[i].period);
          return TRUE;
        }
    }

  tz = sr_period_picker_dup_zone (self);
  first = dup_day_starting_at (tz, from);
  end = dup_day_starting_at (tz, to);
  if (first == NULL || end == NULL || to <= from)
    return FALSE;

  last = g_date_time_add_days (end, -1);
  sr_period_picker_set_custom_days (self, first, last);
  return TRUE;
}

GTimeZone *
sr_period_picker_dup_zone (SrPeriodPicker *self)
{
  g_return_val_if_fail (SR_IS_PERIOD_PICKER (self), NULL);

  if (g_settings_get_boolean (self->settings, "show-utc"))
    return g_time_zone_new_utc ();
  return g_time_zone_new_local ();
}

GStrv
sr_period_picker_dup_choices (SrPeriodPicker *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (SR_IS_PERIOD_PICKER (self), NULL);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->presets_box));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_CHECK_BUTTON (child))
        g_strv_builder_add (builder, gtk_check_button_get_label (GTK_CHECK_BUTTON (child)));
      else if (child == self->custom_button)
        g_strv_builder_add (builder, gtk_label_get_label (GTK_LABEL (gtk_widget_get_first_child (gtk_button_get_child (GTK_BUTTON (child))))));
    }

  return g_strv_builder_end (builder);
}

GtkPopover *
sr_period_picker_get_popover (SrPeriodPicker *self)
{
  g_return_val_if_fail (SR_IS_PERIOD_PICKER (self), NULL);

  return self->popover;
}
