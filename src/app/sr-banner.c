/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-banner.c: the offline and refused-key strips of the main window. It
 * looks like libadwaita 1.3's AdwBanner (see style.css) so it can be swapped
 * for it once 1.2 is no longer supported. The button runs an action
 * (action-name) and emits "button-clicked".
 */
#define G_LOG_DOMAIN "sr-banner"

#include "config.h"

#include <glib/gi18n.h>

#include "sr-banner.h"

struct _SrBanner
{
  GtkWidget    parent_instance;

  GtkRevealer *revealer;
  GtkLabel    *title_label;
  GtkButton   *button;
};

G_DEFINE_FINAL_TYPE (SrBanner, sr_banner, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_TITLE,
  PROP_BUTTON_LABEL,
  PROP_ACTION_NAME,
  PROP_REVEALED,
  N_PROPS
};

enum {
  BUTTON_CLICKED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
on_button_clicked_cb (SrBanner *self)
{
  g_assert (SR_IS_BANNER (self));

  g_signal_emit (self, signals[BUTTON_CLICKED], 0);
}

static void
sr_banner_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), SR_TYPE_BANNER);

  G_OBJECT_CLASS (sr_banner_parent_class)->dispose (object);
}

static void
sr_banner_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  SrBanner *self = SR_BANNER (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, gtk_label_get_label (self->title_label));
      break;
    case PROP_BUTTON_LABEL:
      g_value_set_string (value, gtk_button_get_label (self->button));
      break;
    case PROP_ACTION_NAME:
      g_value_set_string (value, gtk_actionable_get_action_name (GTK_ACTIONABLE (self->button)));
      break;
    case PROP_REVEALED:
      g_value_set_boolean (value, sr_banner_get_revealed (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sr_banner_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  SrBanner *self = SR_BANNER (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      sr_banner_set_title (self, g_value_get_string (value));
      break;
    case PROP_BUTTON_LABEL:
      sr_banner_set_button_label (self, g_value_get_string (value));
      break;
    case PROP_ACTION_NAME:
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->button), g_value_get_string (value));
      break;
    case PROP_REVEALED:
      sr_banner_set_revealed (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sr_banner_class_init (SrBannerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sr_banner_dispose;
  object_class->get_property = sr_banner_get_property;
  object_class->set_property = sr_banner_set_property;

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUTTON_LABEL] =
    g_param_spec_string ("button-label", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ACTION_NAME] =
    g_param_spec_string ("action-name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_REVEALED] =
    g_param_spec_boolean ("revealed", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[BUTTON_CLICKED] =
    g_signal_new ("button-clicked",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/sr-banner.ui");
  gtk_widget_class_bind_template_child (widget_class, SrBanner, revealer);
  gtk_widget_class_bind_template_child (widget_class, SrBanner, title_label);
  gtk_widget_class_bind_template_child (widget_class, SrBanner, button);
  gtk_widget_class_bind_template_callback (widget_class, on_button_clicked_cb);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "srbanner");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
sr_banner_init (SrBanner *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
sr_banner_new (void)
{
  return g_object_new (SR_TYPE_BANNER, NULL);
}

const char *
sr_banner_get_title (SrBanner *self)
{
  g_return_val_if_fail (SR_IS_BANNER (self), NULL);

  return gtk_label_get_label (self->title_label);
}

void
sr_banner_set_title (SrBanner   *self,
                     const char *title)
{
  g_return_if_fail (SR_IS_BANNER (self));

  if (g_strcmp0 (title, gtk_label_get_label (self->title_label)) == 0)
    return;

  gtk_label_set_label (self->title_label, title != NULL ? title : "");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

void
sr_banner_set_button_label (SrBanner   *self,
                            const char *label)
{
  g_return_if_fail (SR_IS_BANNER (self));

  gtk_button_set_label (self->button, label);
  gtk_button_set_use_underline (self->button, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->button), label != NULL && *label != '\0');
}

gboolean
sr_banner_get_revealed (SrBanner *self)
{
  g_return_val_if_fail (SR_IS_BANNER (self), FALSE);

  return gtk_revealer_get_reveal_child (self->revealer);
}

void
sr_banner_set_revealed (SrBanner *self,
                        gboolean  revealed)
{
  g_return_if_fail (SR_IS_BANNER (self));

  revealed = !!revealed;
  if (revealed == gtk_revealer_get_reveal_child (self->revealer))
    return;

  gtk_revealer_set_reveal_child (self->revealer, revealed);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REVEALED]);
}
