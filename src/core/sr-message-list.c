/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-message-list.c: SrMessageList, a lazy GListModel of SrMessage backed by
 * the cache. The loading, identity and change tracking are SrLazyList's
 * (sr-lazy-list.c); this file says how to query messages and what of a
 * message is shown.
 */

#define G_LOG_DOMAIN "sr-message-list"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sr-cache.h"
#include "sr-enums.h"
#include "sr-message-private.h"
#include "sr-message-list.h"
#include "sr-lazy-list-private.h"

typedef struct
{
  SrMessageFilter *filter;      /* owned */
  SrMessageSort    sort;
  gboolean         descending;
} MessageQuery;

static gpointer
message_query_copy (gconstpointer data)
{
  const MessageQuery *query = data;
  MessageQuery *copy = g_new0 (MessageQuery, 1);

  copy->filter = sr_message_filter_copy (query->filter);
  copy->sort = query->sort;
  copy->descending = query->descending;

  return copy;
}

static void
message_query_free (gpointer data)
{
  MessageQuery *query = data;

  g_clear_pointer (&query->filter, sr_message_filter_free);
  g_free (query);
}

static GArray *
message_query_rowids (SrCache       *cache,
                      gconstpointer  data,
                      gint64         limit,
                      GCancellable  *cancellable,
                      GError       **error)
{
  const MessageQuery *query = data;

  return sr_cache_query_message_rowids_limited (cache, query->filter, query->sort,
                                                query->descending, limit, cancellable, error);
}

static const char *
message_get_id (gpointer item)
{
  return sr_message_get_id (item);
}

static guint64
message_fingerprint (gpointer item)
{
  SrMessage *message = item;
  guint64 hash = SR_LAZY_LIST_HASH_INIT;
  const char *strings[] = {
    message->id, message->campaign_id, message->to, message->sender_id,
    message->message, message->status_raw, message->failed_reason,
    message->timezone, message->message_type, message->user_id,
    message->callback_url, message->provider, message->message_id,
    message->internal_failed_reason,
  };
  gint64 times[] = {
    message->created_at, message->updated_at, message->sent_at,
    message->scheduled_for,
  };
  int ints[] = {
    message->sms_count, message->status, message->is_api, message->optout,
    message->final_callback_sent,
  };

  for (guint i = 0; i < G_N_ELEMENTS (strings); i++)
    hash = sr_lazy_list_hash_string (hash, strings[i]);
  hash = sr_lazy_list_hash_bytes (hash, times, sizeof times);
  hash = sr_lazy_list_hash_bytes (hash, ints, sizeof ints);
  hash = sr_lazy_list_hash_bytes (hash, &message->cost, sizeof message->cost);

  return hash;
}

static gpointer
message_new_placeholder (void)
{
  SrMessage *message = sr_message_new_empty ();

  message->id = g_strdup ("");
  message->status_raw = g_strdup ("");

  return message;
}

static void
message_fill_placeholder (gpointer placeholder,
                          gpointer record)
{
  sr_message_fill_placeholder (placeholder, record);
}

static const SrLazyListClass message_list_class = {
  .changed_flags = SR_CACHE_CHANGED_MESSAGES,
  .query_rowids = message_query_rowids,
  .get_by_rowid = sr_cache_get_messages_by_rowid,
  .get_id = message_get_id,
  .fingerprint = message_fingerprint,
  .new_placeholder = message_new_placeholder,
  .fill_placeholder = message_fill_placeholder,
  .query_copy = message_query_copy,
  .query_free = message_query_free,
};

struct _SrMessageListHead
{
  MessageQuery *query;
  GArray       *rowids;
  GPtrArray    *records;
};

struct _SrMessageList
{
  GObject            parent_instance;

  SrCache           *cache;   /* owned */
  SrLazyList        *list;    /* owned */
  SrMessageListHead *head;            /* construct-only, taken by constructed() */
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SrMessageList, sr_message_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  PROP_0,
  PROP_CACHE,
  PROP_HEAD,
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
sr_message_list_get_item_type (GListModel *model)
{
  return SR_TYPE_MESSAGE;
}

static guint
sr_message_list_get_n_items (GListModel *model)
{
  SrMessageList *self = SR_MESSAGE_LIST (model);

  return sr_lazy_list_get_n_items (self->list);
}

static gpointer
sr_message_list_get_item (GListModel *model,
                          guint       position)
{
  SrMessageList *self = SR_MESSAGE_LIST (model);

  return sr_lazy_list_get_item (self->list, position);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = sr_message_list_get_item_type;
  iface->get_n_items = sr_message_list_get_n_items;
  iface->get_item = sr_message_list_get_item;
}

static const MessageQuery *
get_query (SrMessageList *self)
{
  return sr_lazy_list_get_query (self->list);
}

static void
sr_message_list_constructed (GObject *object)
{
  SrMessageList *self = SR_MESSAGE_LIST (object);
  MessageQuery *query = g_new0 (MessageQuery, 1);
  g_autoptr(SrMessageListHead) head = g_steal_pointer (&self->head);

  G_OBJECT_CLASS (sr_message_list_parent_class)->constructed (object);

  g_assert (SR_IS_CACHE (self->cache));

  /* With a head read ahead, the list starts with its query (the filter
   * sr_message_list_new_with_head() was given). */
  query->filter = head != NULL ? sr_message_filter_copy (head->query->filter) : sr_message_filter_new ();
  query->sort = SR_MESSAGE_SORT_CREATED;
  query->descending = TRUE;

  if (head != NULL)
    self->list = sr_lazy_list_new_with_head (G_LIST_MODEL (self), &message_list_class,
                                             self->cache, query,
                                             properties[PROP_N_ITEMS], properties[PROP_LOADING],
                                             g_steal_pointer (&head->rowids),
                                             g_steal_pointer (&head->records));
  else
    self->list = sr_lazy_list_new (G_LIST_MODEL (self), &message_list_class,
                                   self->cache, query,
                                   properties[PROP_N_ITEMS], properties[PROP_LOADING]);
}

static void
sr_message_list_finalize (GObject *object)
{
  SrMessageList *self = SR_MESSAGE_LIST (object);

  g_clear_pointer (&self->list, sr_lazy_list_free);
  g_clear_object (&self->cache);
  g_clear_pointer (&self->head, sr_message_list_head_free);

  G_OBJECT_CLASS (sr_message_list_parent_class)->finalize (object);
}

static void
sr_message_list_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  SrMessageList *self = SR_MESSAGE_LIST (object);

  switch (prop_id)
    {
    case PROP_CACHE:
      g_value_set_object (value, self->cache);
      break;

    case PROP_FILTER:
      g_value_set_boxed (value, sr_message_list_get_filter (self));
      break;

    case PROP_SORT:
      g_value_set_enum (value, sr_message_list_get_sort (self));
      break;

    case PROP_DESCENDING:
      g_value_set_boolean (value, sr_message_list_get_descending (self));
      break;

    case PROP_LOADING:
      g_value_set_boolean (value, sr_message_list_get_loading (self));
      break;

    case PROP_ITEM_TYPE:
      g_value_set_gtype (value, SR_TYPE_MESSAGE);
      break;

    case PROP_N_ITEMS:
      g_value_set_uint (value, self->list != NULL ? sr_lazy_list_get_n_items (self->list) : 0);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sr_message_list_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  SrMessageList *self = SR_MESSAGE_LIST (object);

  switch (prop_id)
    {
    case PROP_CACHE:
      self->cache = g_value_dup_object (value);
      break;

    case PROP_HEAD:
      self->head = g_value_get_pointer (value);
      break;

    case PROP_FILTER:
      sr_message_list_set_filter (self, g_value_get_boxed (value));
      break;

    case PROP_SORT:
      sr_message_list_set_sort (self, g_value_get_enum (value),
                                sr_message_list_get_descending (self));
      break;

    case PROP_DESCENDING:
      sr_message_list_set_sort (self, sr_message_list_get_sort (self),
                                g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sr_message_list_class_init (SrMessageListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = sr_message_list_constructed;
  object_class->finalize = sr_message_list_finalize;
  object_class->get_property = sr_message_list_get_property;
  object_class->set_property = sr_message_list_set_property;

  properties[PROP_CACHE] =
    g_param_spec_object ("cache", NULL, NULL,
                         SR_TYPE_CACHE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /* Construct-only, taken: an SrMessageListHead, or NULL. */
  properties[PROP_HEAD] =
    g_param_spec_pointer ("head", NULL, NULL,
                          (G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /* A NULL filter shows every message. */
  properties[PROP_FILTER] =
    g_param_spec_boxed ("filter", NULL, NULL,
                        SR_TYPE_MESSAGE_FILTER,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_SORT] =
    g_param_spec_enum ("sort", NULL, NULL,
                       SR_TYPE_MESSAGE_SORT,
                       SR_MESSAGE_SORT_CREATED,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_DESCENDING] =
    g_param_spec_boolean ("descending", NULL, NULL,
                          TRUE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* TRUE while the contents do not reflect the filter and sort yet, or a
   * reload() has not landed; the reloads a sync triggers do not count, so
   * a spinner bound to this does not flicker during a sync. */
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL,
                          TRUE,
                          (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  properties[PROP_ITEM_TYPE] =
    g_param_spec_gtype ("item-type", NULL, NULL,
                        SR_TYPE_MESSAGE,
                        (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sr_message_list_init (SrMessageList *self)
{
}

/**
 * sr_message_list_new:
 * @cache: the cache of the account
 *
 * The list starts with every message, newest first, and loads in the
 * background ("loading" is TRUE until then).
 *
 * Returns: (transfer full): a new #SrMessageList
 */
SrMessageList *
sr_message_list_new (SrCache *cache)
{
  g_return_val_if_fail (SR_IS_CACHE (cache), NULL);

  return g_object_new (SR_TYPE_MESSAGE_LIST,
                       "cache", cache,
                       NULL);
}

SrMessageListHead *
sr_message_list_read_head (SrCache               *cache,
                           const SrMessageFilter *filter,
                           GCancellable          *cancellable,
                           GError               **error)
{
  g_autoptr(SrMessageListHead) head = g_new0 (SrMessageListHead, 1);

  g_return_val_if_fail (SR_IS_CACHE (cache), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  head->query = g_new0 (MessageQuery, 1);
  head->query->filter = filter != NULL ? sr_message_filter_copy (filter) : sr_message_filter_new ();
  head->query->sort = SR_MESSAGE_SORT_CREATED;
  head->query->descending = TRUE;

  if (!sr_lazy_list_read_head (&message_list_class, cache, head->query,
                               &head->rowids, &head->records, cancellable, error))
    return NULL;

  return g_steal_pointer (&head);
}

void
sr_message_list_head_free (SrMessageListHead *head)
{
  if (head == NULL)
    return;

  if (head->query != NULL)
    message_query_free (head->query);
  g_clear_pointer (&head->rowids, g_array_unref);
  g_clear_pointer (&head->records, g_ptr_array_unref);
  g_free (head);
}

SrMessageList *
sr_message_list_new_with_head (SrCache               *cache,
                               const SrMessageFilter *filter,
                               SrMessageListHead     *head)
{
  g_autoptr(SrMessageFilter) empty = NULL;
  SrMessageList *self;

  g_return_val_if_fail (SR_IS_CACHE (cache), NULL);

  if (filter == NULL)
    filter = empty = sr_message_filter_new ();
  if (head != NULL && !sr_message_filter_equal (head->query->filter, filter))
    g_clear_pointer (&head, sr_message_list_head_free);

  self = g_object_new (SR_TYPE_MESSAGE_LIST,
                       "cache", cache,
                       "head", head,
                       NULL);
  sr_message_list_set_filter (self, filter);

  return self;
}

SrCache *
sr_message_list_get_cache (SrMessageList *self)
{
  g_return_val_if_fail (SR_IS_MESSAGE_LIST (self), NULL);

  return self->cache;
}

void
sr_message_list_set_filter (SrMessageList         *self,
                            const SrMessageFilter *filter)
{
  g_autoptr(SrMessageFilter) empty = NULL;
  MessageQuery *query;

  g_return_if_fail (SR_IS_MESSAGE_LIST (self));

  if (filter == NULL)
    filter = empty = sr_message_filter_new ();

  if (sr_message_filter_equal (get_query (self)->filter, filter))
    return;

  query = message_query_copy (get_query (self));
  sr_message_filter_free (query->filter);
  query->filter = sr_message_filter_copy (filter);
  sr_lazy_list_set_query (self->list, query);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILTER]);
}

const SrMessageFilter *
sr_message_list_get_filter (SrMessageList *self)
{
  g_return_val_if_fail (SR_IS_MESSAGE_LIST (self), NULL);

  return get_query (self)->filter;
}

void
sr_message_list_set_sort (SrMessageList *self,
                          SrMessageSort  sort,
                          gboolean       descending)
{
  MessageQuery *query;
  SrMessageSort old_sort;
  gboolean old_descending;

  g_return_if_fail (SR_IS_MESSAGE_LIST (self));

  descending = !!descending;
  old_sort = get_query (self)->sort;
  old_descending = get_query (self)->descending;
  if (old_sort == sort && old_descending == descending)
    return;

  query = message_query_copy (get_query (self));
  query->sort = sort;
  query->descending = descending;
  sr_lazy_list_set_query (self->list, query);

  if (sort != old_sort)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SORT]);
  if (descending != old_descending)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DESCENDING]);
}

SrMessageSort
sr_message_list_get_sort (SrMessageList *self)
{
  g_return_val_if_fail (SR_IS_MESSAGE_LIST (self), SR_MESSAGE_SORT_CREATED);

  return get_query (self)->sort;
}

gboolean
sr_message_list_get_descending (SrMessageList *self)
{
  g_return_val_if_fail (SR_IS_MESSAGE_LIST (self), TRUE);

  return get_query (self)->descending;
}

gboolean
sr_message_list_get_loading (SrMessageList *self)
{
  g_return_val_if_fail (SR_IS_MESSAGE_LIST (self), FALSE);

  return sr_lazy_list_get_loading (self->list);
}

void
sr_message_list_reload (SrMessageList *self)
{
  g_return_if_fail (SR_IS_MESSAGE_LIST (self));

  sr_lazy_list_reload (self->list);
}

void
sr_message_list_release_rest (SrMessageList *self)
{
  g_return_if_fail (SR_IS_MESSAGE_LIST (self));

  sr_lazy_list_release_full (self->list);
}

void
sr_message_list_wait (SrMessageList *self)
{
  g_return_if_fail (SR_IS_MESSAGE_LIST (self));

  sr_lazy_list_wait (self->list);
}

gboolean
sr_message_list_is_loaded (SrMessageList *self,
                          guint              position)
{
  g_return_val_if_fail (SR_IS_MESSAGE_LIST (self), FALSE);

  return sr_lazy_list_is_loaded (self->list, position);
}
