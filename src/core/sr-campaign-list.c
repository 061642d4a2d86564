/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-campaign-list.c: SrCampaignList, a lazy GListModel of SrCampaign backed
 * by the cache: an SrCampaignFilter and a sort, both applied by the cache in
 * SQL. Everything else (rowids computed in a thread, items fetched in
 * blocks, identity, minimal ranges after a sync) is SrLazyList, shared with
 * SrMessageList; see sr-lazy-list.c.
 */

#define G_LOG_DOMAIN "sr-campaign-list"

#include "config.h"

#include <glib/gi18n.h>

#include "sr-cache.h"
#include "sr-campaign-private.h"
#include "sr-enums.h"
#include "sr-campaign-list.h"
#include "sr-lazy-list-private.h"

typedef struct
{
  SrCampaignFilter *filter;      /* owned */
  SrCampaignSort    sort;
  gboolean          descending;
} CampaignQuery;

static gpointer
campaign_query_copy (gconstpointer data)
{
  const CampaignQuery *query = data;
  CampaignQuery *copy = g_new0 (CampaignQuery, 1);

  copy->filter = sr_campaign_filter_copy (query->filter);
  copy->sort = query->sort;
  copy->descending = query->descending;

  return copy;
}

static void
campaign_query_free (gpointer data)
{
  CampaignQuery *query = data;

  g_clear_pointer (&query->filter, sr_campaign_filter_free);
  g_free (query);
}

static GArray *
campaign_query_rowids (SrCache       *cache,
                       gconstpointer  data,
                       gint64         limit,
                       GCancellable  *cancellable,
                       GError       **error)
{
  const CampaignQuery *query = data;

  return sr_cache_query_campaign_rowids_limited (cache, query->filter, query->sort,
                                                 query->descending, limit, cancellable, error);
}

static const char *
campaign_get_id (gpointer item)
{
  return sr_campaign_get_id (item);
}

static guint64
campaign_fingerprint (gpointer item)
{
  SrCampaign *campaign = item;
  guint64 hash = SR_LAZY_LIST_HASH_INIT;
  const char *strings[] = {
    campaign->id, campaign->campaign_type, campaign->user_id,
    campaign->sender_id, campaign->template_id, campaign->message,
    campaign->list_id, campaign->status, campaign->callback_url,
    campaign->timezone,
  };
  gint64 numbers[] = {
    campaign->delivered_messages, campaign->failed_messages,
    campaign->pending_messages, campaign->sent_messages,
    campaign->scheduled_for, campaign->created_at, campaign->updated_at,
    campaign->canceled_at, campaign->sms_count, campaign->bypass_optout,
    campaign->is_api,
  };
  double costs[] = { campaign->client_total_cost, campaign->estimated_cost };

  for (guint i = 0; i < G_N_ELEMENTS (strings); i++)
    hash = sr_lazy_list_hash_string (hash, strings[i]);
  hash = sr_lazy_list_hash_bytes (hash, numbers, sizeof numbers);
  hash = sr_lazy_list_hash_bytes (hash, costs, sizeof costs);

  return hash;
}

static gpointer
campaign_new_placeholder (void)
{
  SrCampaign *campaign = sr_campaign_new_empty ();

  campaign->id = g_strdup ("");

  return campaign;
}

/* Filled in place: the view keeps its row widgets (see sr-lazy-list.c). */
static void
campaign_fill_placeholder (gpointer placeholder,
                           gpointer record)
{
  sr_campaign_fill_placeholder (placeholder, record);
}

static const SrLazyListClass campaign_list_class = {
  .changed_flags = SR_CACHE_CHANGED_CAMPAIGNS,
  .query_rowids = campaign_query_rowids,
  .get_by_rowid = sr_cache_get_campaigns_by_rowid,
  .get_id = campaign_get_id,
  .fingerprint = campaign_fingerprint,
  .new_placeholder = campaign_new_placeholder,
  .fill_placeholder = campaign_fill_placeholder,
  .query_copy = campaign_query_copy,
  .query_free = campaign_query_free,
};

struct _SrCampaignList
{
  GObject     parent_instance;

  SrCache    *cache;   /* owned */
  SrLazyList *list;    /* owned */
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SrCampaignList, sr_campaign_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  PROP_0,
  PROP_CACHE,
  PROP_FILTER,
  PROP_SORT,
  PROP_DESCENDING,
  PROP_LOADING,
  PROP_ITEM_TYPE,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GType
sr_campaign_list_get_item_type (GListModel *model)
{
  return SR_TYPE_CAMPAIGN;
}

static guint
sr_campaign_list_get_n_items (GListModel *model)
{
  SrCampaignList *self = SR_CAMPAIGN_LIST (model);

  return sr_lazy_list_get_n_items (self->list);
}

static gpointer
sr_campaign_list_get_item (GListModel *model,
                           guint       position)
{
  SrCampaignList *self = SR_CAMPAIGN_LIST (model);

  return sr_lazy_list_get_item (self->list, position);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = sr_campaign_list_get_item_type;
  iface->get_n_items = sr_campaign_list_get_n_items;
  iface->get_item = sr_campaign_list_get_item;
}

static const CampaignQuery *
get_query (SrCampaignList *self)
{
  return sr_lazy_list_get_query (self->list);
}

/* Takes query; notifies what differs from the current one. */
static void
set_query (SrCampaignList *self,
           CampaignQuery  *query)
{
  const CampaignQuery *old = get_query (self);
  gboolean filter_changed = !sr_campaign_filter_equal (old->filter, query->filter);
  gboolean sort_changed = old->sort != query->sort;
  gboolean descending_changed = old->descending != query->descending;

  if (!filter_changed && !sort_changed && !descending_changed)
    {
      campaign_query_free (query);
      return;
    }

  sr_lazy_list_set_query (self->list, query);

  if (filter_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILTER]);
  if (sort_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SORT]);
  if (descending_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DESCENDING]);
}

static void
sr_campaign_list_constructed (GObject *object)
{
  SrCampaignList *self = SR_CAMPAIGN_LIST (object);
  CampaignQuery *query = g_new0 (CampaignQuery, 1);

  G_OBJECT_CLASS (sr_campaign_list_parent_class)->constructed (object);

  g_assert (SR_IS_CACHE (self->cache));

  query->filter = sr_campaign_filter_new ();
  query->sort = SR_CAMPAIGN_SORT_CREATED;
  query->descending = TRUE;

  self->list = sr_lazy_list_new (G_LIST_MODEL (self), &campaign_list_class,
                                 self->cache, query,
                                 properties[PROP_N_ITEMS], properties[PROP_LOADING]);
}

static void
sr_campaign_list_finalize (GObject *object)
{
  SrCampaignList *self = SR_CAMPAIGN_LIST (object);

  g_clear_pointer (&self->list, sr_lazy_list_free);
  g_clear_object (&self->cache);

  G_OBJECT_CLASS (sr_campaign_list_parent_class)->finalize (object);
}

static void
sr_campaign_list_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  SrCampaignList *self = SR_CAMPAIGN_LIST (object);

  switch (prop_id)
    {
    case PROP_CACHE:
      g_value_set_object (value, self->cache);
      break;

    case PROP_FILTER:
      g_value_set_boxed (value, sr_campaign_list_get_filter (self));
      break;

    case PROP_SORT:
      g_value_set_enum (value, sr_campaign_list_get_sort (self));
      break;

    case PROP_DESCENDING:
      g_value_set_boolean (value, sr_campaign_list_get_descending (self));
      break;

    case PROP_LOADING:
      g_value_set_boolean (value, sr_campaign_list_get_loading (self));
      break;

    case PROP_ITEM_TYPE:
      g_value_set_gtype (value, SR_TYPE_CAMPAIGN);
      break;

    case PROP_N_ITEMS:
      g_value_set_uint (value, self->list != NULL ? sr_lazy_list_get_n_items (self->list) : 0);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sr_campaign_list_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  SrCampaignList *self = SR_CAMPAIGN_LIST (object);

  switch (prop_id)
    {
    case PROP_CACHE:
      self->cache = g_value_dup_object (value);
      break;

    case PROP_FILTER:
      sr_campaign_list_set_filter (self, g_value_get_boxed (value));
      break;

    case PROP_SORT:
      sr_campaign_list_set_sort (self, g_value_get_enum (value),
                                 sr_campaign_list_get_descending (self));
      break;

    case PROP_DESCENDING:
      sr_campaign_list_set_sort (self, sr_campaign_list_get_sort (self),
                                 g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sr_campaign_list_class_init (SrCampaignListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = sr_campaign_list_constructed;
  object_class->finalize = sr_campaign_list_finalize;
  object_class->get_property = sr_campaign_list_get_property;
  object_class->set_property = sr_campaign_list_set_property;

  properties[PROP_CACHE] =
    g_param_spec_object ("cache", NULL, NULL,
                         SR_TYPE_CACHE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /* A NULL filter shows every campaign. */
  properties[PROP_FILTER] =
    g_param_spec_boxed ("filter", NULL, NULL,
                        SR_TYPE_CAMPAIGN_FILTER,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_SORT] =
    g_param_spec_enum ("sort", NULL, NULL,
                       SR_TYPE_CAMPAIGN_SORT,
                       SR_CAMPAIGN_SORT_CREATED,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_DESCENDING] =
    g_param_spec_boolean ("descending", NULL, NULL,
                          TRUE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL,
                          TRUE,
                          (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  properties[PROP_ITEM_TYPE] =
    g_param_spec_gtype ("item-type", NULL, NULL,
                        SR_TYPE_CAMPAIGN,
                        (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sr_campaign_list_init (SrCampaignList *self)
{
}

/**
 * sr_campaign_list_new:
 * @cache: the cache of the account
 *
 * The list starts with every campaign, newest first, and loads in the
 * background ("loading" is TRUE until then).
 *
 * Returns: (transfer full): a new #SrCampaignList
 */
SrCampaignList *
sr_campaign_list_new (SrCache *cache)
{
  g_return_val_if_fail (SR_IS_CACHE (cache), NULL);

  return g_object_new (SR_TYPE_CAMPAIGN_LIST,
                       "cache", cache,
                       NULL);
}

SrCache *
sr_campaign_list_get_cache (SrCampaignList *self)
{
  g_return_val_if_fail (SR_IS_CAMPAIGN_LIST (self), NULL);

  return self->cache;
}

void
sr_campaign_list_set_filter (SrCampaignList         *self,
                             const SrCampaignFilter *filter)
{
  g_autoptr(SrCampaignFilter) empty = NULL;
  CampaignQuery *query;

  g_return_if_fail (SR_IS_CAMPAIGN_LIST (self));

  if (filter == NULL)
    filter = empty = sr_campaign_filter_new ();

  if (sr_campaign_filter_equal (get_query (self)->filter, filter))
    return;

  query = campaign_query_copy (get_query (self));
  sr_campaign_filter_free (query->filter);
  query->filter = sr_campaign_filter_copy (filter);
  set_query (self, query);
}

const SrCampaignFilter *
sr_campaign_list_get_filter (SrCampaignList *self)
{
  g_return_val_if_fail (SR_IS_CAMPAIGN_LIST (self), NULL);

  return get_query (self)->filter;
}

void
sr_campaign_list_set_sort (SrCampaignList *self,
                           SrCampaignSort  sort,
                           gboolean        descending)
{
  CampaignQuery *query;

  g_return_if_fail (SR_IS_CAMPAIGN_LIST (self));

  query = campaign_query_copy (get_query (self));
  query->sort = sort;
  query->descending = !!descending;
  set_query (self, query);
}

SrCampaignSort
sr_campaign_list_get_sort (SrCampaignList *self)
{
  g_return_val_if_fail (SR_IS_CAMPAIGN_LIST (self), SR_CAMPAIGN_SORT_CREATED);

  return get_query (self)->sort;
}

gboolean
sr_campaign_list_get_descending (SrCampaignList *self)
{
  g_return_val_if_fail (SR_IS_CAMPAIGN_LIST (self), TRUE);

  return get_query (self)->descending;
}

gboolean
sr_campaign_list_get_loading (SrCampaignList *self)
{
  g_return_val_if_fail (SR_IS_CAMPAIGN_LIST (self), FALSE);

  return sr_lazy_list_get_loading (self->list);
}

void
sr_campaign_list_reload (SrCampaignList *self)
{
  g_return_if_fail (SR_IS_CAMPAIGN_LIST (self));

  sr_lazy_list_reload (self->list);
}

void
sr_campaign_list_wait (SrCampaignList *self)
{
  g_return_if_fail (SR_IS_CAMPAIGN_LIST (self));

  sr_lazy_list_wait (self->list);
}

gboolean
sr_campaign_list_is_loaded (SrCampaignList *self,
                            guint           position)
{
  g_return_val_if_fail (SR_IS_CAMPAIGN_LIST (self), FALSE);

  return sr_lazy_list_is_loaded (self->list, position);
}
