/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-campaign-list.c: SrCampaignList, a lazy GListModel of SrCampaign backed
 * by the cache: search, sort and source (web or API) filter. Everything
 * else (rowids computed in a thread, items fetched in blocks, identity,
 * minimal ranges after a sync) is SrLazyList, shared with SrMessageList;
 * see sr-message-list.c.
 */

#define G_LOG_DOMAIN "sr-campaign-list"

#include "config.h"

#include <glib/gi18n.h>

#include "sr-cache.h"
#include "sr-campaign-private.h"
#include "sr-enums.h"
#include "sr-campaign-list.h"
#include "sr-lazy-list-private.h"

/* Rows fetched at once when the source filter needs is_api. */
#define SOURCE_CHUNK 500

typedef struct
{
  char           *search;      /* owned, NULL for none */
  SrCampaignSort  sort;
  gboolean        descending;
  int             source;      /* -1 all, 0 web, 1 API */
} CampaignQuery;

static gpointer
campaign_query_copy (gconstpointer data)
{
  const CampaignQuery *query = data;
  CampaignQuery *copy = g_new0 (CampaignQuery, 1);

  copy->search = g_strdup (query->search);
  copy->sort = query->sort;
  copy->descending = query->descending;
  copy->source = query->source;

  return copy;
}

static void
campaign_query_free (gpointer data)
{
  CampaignQuery *query = data;

  g_free (query->search);
  g_free (query);
}

/* The cache has no source filter for campaigns; there are few of them (a
 * campaign is a bulk send), so the worker reads is_api itself. */
static GArray *
filter_by_source (SrCache       *cache,
                  GArray        *rowids,
                  gboolean       is_api,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autoptr(GArray) kept = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint start = 0; start < rowids->len; start += SOURCE_CHUNK)
    {
      guint len = MIN (SOURCE_CHUNK, rowids->len - start);
      const gint64 *chunk = &g_array_index (rowids, gint64, start);
      g_autoptr(GPtrArray) records = NULL;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;

      records = sr_cache_get_campaigns_by_rowid (cache, chunk, len, error);
      if (records == NULL)
        return NULL;

      for (guint i = 0; i < len; i++)
        {
          g_autoptr(GPtrArray) one = NULL;
          SrCampaign *campaign = NULL;

          if (records->len == len)
            campaign = g_ptr_array_index (records, i);
          else
            {
              /* some rows went away meanwhile: match them one by one */
              one = sr_cache_get_campaigns_by_rowid (cache, &chunk[i], 1, NULL);
              if (one != NULL && one->len == 1)
                campaign = g_ptr_array_index (one, 0);
            }

          if (campaign != NULL && !!campaign->is_api == !!is_api)
            g_array_append_val (kept, chunk[i]);
        }
    }

  return g_steal_pointer (&kept);
}

static GArray *
campaign_query_rowids (SrCache       *cache,
                       gconstpointer  data,
                       GCancellable  *cancellable,
                       GError       **error)
{
  const CampaignQuery *query = data;
  SrCampaignFilter filter = { .search = query->search };
  g_autoptr(GArray) rowids = NULL;

  rowids = sr_cache_query_campaign_rowids (cache, &filter, query->sort,
                                           query->descending, cancellable, error);
  if (rowids == NULL || query->source < 0)
    return g_steal_pointer (&rowids);

  return filter_by_source (cache, rowids, query->source == 1, cancellable, error);
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

static const SrLazyListClass campaign_list_class = {
  .changed_flags = SR_CACHE_CHANGED_CAMPAIGNS,
  .query_rowids = campaign_query_rowids,
  .get_by_rowid = sr_cache_get_campaigns_by_rowid,
  .get_id = campaign_get_id,
  .fingerprint = campaign_fingerprint,
  .new_placeholder = campaign_new_placeholder,
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
  PROP_SEARCH,
  PROP_SORT,
  PROP_DESCENDING,
  PROP_SOURCE,
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
  gboolean search_changed = g_strcmp0 (old->search, query->search) != 0;
  gboolean sort_changed = old->sort != query->sort;
  gboolean descending_changed = old->descending != query->descending;
  gboolean source_changed = old->source != query->source;

  if (!search_changed && !sort_changed && !descending_changed && !source_changed)
    {
      campaign_query_free (query);
      return;
    }

  sr_lazy_list_set_query (self->list, query);

  if (search_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEARCH]);
  if (sort_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SORT]);
  if (descending_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DESCENDING]);
  if (source_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SOURCE]);
}

static void
sr_campaign_list_constructed (GObject *object)
{
  SrCampaignList *self = SR_CAMPAIGN_LIST (object);
  CampaignQuery *query = g_new0 (CampaignQuery, 1);

  G_OBJECT_CLASS (sr_campaign_list_parent_class)->constructed (object);

  g_assert (SR_IS_CACHE (self->cache));

  query->sort = SR_CAMPAIGN_SORT_CREATED;
  query->descending = TRUE;
  query->source = -1;

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

    case PROP_SEARCH:
      g_value_set_string (value, sr_campaign_list_get_search (self));
      break;

    case PROP_SORT:
      g_value_set_enum (value, sr_campaign_list_get_sort (self));
      break;

    case PROP_DESCENDING:
      g_value_set_boolean (value, sr_campaign_list_get_descending (self));
      break;

    case PROP_SOURCE:
      g_value_set_int (value, sr_campaign_list_get_source (self));
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

    case PROP_SEARCH:
      sr_campaign_list_set_search (self, g_value_get_string (value));
      break;

    case PROP_SORT:
      sr_campaign_list_set_sort (self, g_value_get_enum (value),
                                 sr_campaign_list_get_descending (self));
      break;

    case PROP_DESCENDING:
      sr_campaign_list_set_sort (self, sr_campaign_list_get_sort (self),
                                 g_value_get_boolean (value));
      break;

    case PROP_SOURCE:
      sr_campaign_list_set_source (self, g_value_get_int (value));
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

  properties[PROP_SEARCH] =
    g_param_spec_string ("search", NULL, NULL,
                         NULL,
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

  /* -1 every campaign, 0 those sent from the web dashboard, 1 through the API */
  properties[PROP_SOURCE] =
    g_param_spec_int ("source", NULL, NULL,
                      -1, 1, -1,
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
sr_campaign_list_set_search (SrCampaignList *self,
                             const char     *search)
{
  CampaignQuery *query;

  g_return_if_fail (SR_IS_CAMPAIGN_LIST (self));

  if (search != NULL && search[0] == '\0')
    search = NULL;

  query = campaign_query_copy (get_query (self));
  g_free (query->search);
  query->search = g_strdup (search);
  set_query (self, query);
}

const char *
sr_campaign_list_get_search (SrCampaignList *self)
{
  g_return_val_if_fail (SR_IS_CAMPAIGN_LIST (self), NULL);

  return get_query (self)->search;
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

/**
 * sr_campaign_list_set_source:
 * @self: a #SrCampaignList
 * @source: -1 for every campaign, 0 for those sent from the web dashboard,
 *   1 for those sent through the API
 */
void
sr_campaign_list_set_source (SrCampaignList *self,
                             int             source)
{
  CampaignQuery *query;

  g_return_if_fail (SR_IS_CAMPAIGN_LIST (self));
  g_return_if_fail (source >= -1 && source <= 1);

  query = campaign_query_copy (get_query (self));
  query->source = source;
  set_query (self, query);
}

int
sr_campaign_list_get_source (SrCampaignList *self)
{
  g_return_val_if_fail (SR_IS_CAMPAIGN_LIST (self), -1);

  return get_query (self)->source;
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
