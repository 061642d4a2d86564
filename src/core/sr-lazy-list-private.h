/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-lazy-list-private.h: the lazy rowid engine behind SrMessageList and
 * SrCampaignList.
 */
#pragma once

#include <gio/gio.h>

#include "sr-types.h"

G_BEGIN_DECLS

/* Internal to the core library, not for the app: the lazy rowid engine that
 * SrMessageList and SrCampaignList share (implemented in sr-lazy-list.c).
 * It owns the ordered rowids of the current query, the items handed out,
 * the reloads and the items-changed emissions of its owner.
 */
typedef struct _SrLazyList SrLazyList;

typedef struct
{
  guint        changed_flags;      /* SrCacheChanged bits that concern the model */
  /* Worker thread: the ordered rowids (GArray of gint64) of query, the
   * first limit of them (limit < 0: all). */
  GArray     *(*query_rowids)    (SrCache       *cache,
                                  gconstpointer  query,
                                  gint64         limit,
                                  GCancellable  *cancellable,
                                  GError       **error);
  /* Any thread: records of rowids, in the order asked, missing ones skipped. */
  GPtrArray  *(*get_by_rowid)    (SrCache       *cache,
                                  const gint64  *rowids,
                                  guint          n_rowids,
                                  GError       **error);
  /* Any thread: the record's stable id, and a hash of everything shown. */
  const char *(*get_id)          (gpointer       item);
  guint64     (*fingerprint)     (gpointer       item);
  /* Stands in for a row until its block has been read (an empty record). */
  gpointer    (*new_placeholder) (void);
  /* Optional, main thread: gives a placeholder the data of record (which
   * it may take) and tells its consumers, so that a landed block fills the
   * rows in place instead of replacing them (GTK would build new row
   * widgets for every row replaced). */
  void        (*fill_placeholder) (gpointer      placeholder,
                                   gpointer      record);
  gpointer    (*query_copy)      (gconstpointer  query);
  void        (*query_free)      (gpointer       query);
} SrLazyListClass;

/* query is owned by the engine; pspecs are the owner's "n-items" and
 * "loading" properties, notified on it. The owner implements GListModel by
 * forwarding to sr_lazy_list_get_n_items() and sr_lazy_list_get_item(). */
SrLazyList    *sr_lazy_list_new          (GListModel            *owner,
                                          const SrLazyListClass *klass,
                                          SrCache               *cache,
                                          gpointer               query,
                                          GParamSpec            *n_items_pspec,
                                          GParamSpec            *loading_pspec);
/* Worker: the first rows of query with their records, as a change of query
 * reads them first; for sr_lazy_list_new_with_head(). */
gboolean       sr_lazy_list_read_head    (const SrLazyListClass  *klass,
                                          SrCache                *cache,
                                          gconstpointer           query,
                                          GArray                **out_rowids,
                                          GPtrArray             **out_records,
                                          GCancellable           *cancellable,
                                          GError                **error);
/* sr_lazy_list_new() with the head of exactly query read ahead (takes
 * rowids and records): its first rows are there at once, without a trip
 * to the read pool; the rest follows as after a change of query. */
SrLazyList    *sr_lazy_list_new_with_head (GListModel           *owner,
                                          const SrLazyListClass *klass,
                                          SrCache               *cache,
                                          gpointer               query,
                                          GParamSpec            *n_items_pspec,
                                          GParamSpec            *loading_pspec,
                                          GArray                *rowids,
                                          GPtrArray             *records);
/* A list made with a head: the full query may start now (it waits for this
 * at most FULL_QUERY_HOLD_MS). */
void           sr_lazy_list_release_full (SrLazyList            *self);
void           sr_lazy_list_free         (SrLazyList            *self);
guint          sr_lazy_list_get_n_items  (SrLazyList            *self);
/* Never reads the cache: a row not loaded yet gives a placeholder (an
 * empty record), replaced by the real one with items-changed (pos, n, n)
 * when its block has been read in a worker thread. */
gpointer       sr_lazy_list_get_item     (SrLazyList            *self,
                                          guint                  position);
/* Whether get_item (position) gives the real record now. */
gboolean       sr_lazy_list_is_loaded    (SrLazyList            *self,
                                          guint                  position);
gboolean       sr_lazy_list_get_loading  (SrLazyList            *self);
gconstpointer  sr_lazy_list_get_query    (SrLazyList            *self);
/* Takes query; reloads: every row is removed, the first rows of the new
 * query are inserted (a screenful, already read), then the list grows at
 * its end, part by part, to the whole query. */
void           sr_lazy_list_set_query    (SrLazyList            *self,
                                          gpointer               query);
/* Same query, data changed: reloads and emits minimal ranges. */
void           sr_lazy_list_reload       (SrLazyList            *self);
/* Runs the main context until no reload and no block read is pending. */
void           sr_lazy_list_wait         (SrLazyList            *self);
/* FNV-1a helpers for SrLazyListClass.fingerprint */
guint64        sr_lazy_list_hash_bytes   (guint64                hash,
                                          gconstpointer          data,
                                          gsize                  len);
guint64        sr_lazy_list_hash_string  (guint64                hash,
                                          const char            *str);
#define SR_LAZY_LIST_HASH_INIT G_GUINT64_CONSTANT (14695981039346656037)

G_END_DECLS
