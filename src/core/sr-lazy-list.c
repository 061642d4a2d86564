/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-lazy-list.c: SrLazyList, the engine behind the lazy GListModels
 * SrMessageList and SrCampaignList.
 *
 * The engine owns the ordered rowids of the current query (one GArray of
 * gint64, computed in a GTask thread) and the items handed out:
 *
 * - No SQL on the main thread. get_item() on a row not loaded yet returns a
 *   placeholder at once (an empty record) and asks for its block of
 *   BLOCK_SIZE positions; blocks are read one at a time in a GTask thread,
 *   the most recently asked first, skipping blocks whose placeholders all
 *   died meanwhile (scrolled past). When a block lands, a class with
 *   fill_placeholder fills every placeholder still held in place (the
 *   object becomes the loaded item and tells its consumers; no
 *   items-changed, so GTK keeps its row widgets and only binds them again).
 *   Otherwise the records take over, and every run of positions that showed
 *   placeholders is announced as items-changed (pos, n, n): GTK rebinds
 *   those rows and keeps its scroll position (n removed, n added), but makes
 *   new row widgets for every row replaced. Either way a block takes over in
 *   parts of LANDING_ROWS rows, about
 *   LANDING_BUDGET_US of them per main-loop iteration with a pause for the
 *   frames between two, from both ends of the block inwards (a view shows
 *   the rows at one end of those it holds), newest block first; parts
 *   nobody shows any more cost nothing. Before a reload changes positions,
 *   what is still waiting lands at once. Loaded items are kept alive by an LRU of blocks holding
 *   at most MAX_LRU_ROWS rows.
 * - Identity: a table rowid → item holds a *weak* reference to every item
 *   alive, whether the LRU still keeps it or only a consumer (a list row)
 *   does. So the same position gives the same object for as long as anyone
 *   holds it, however far the LRU has moved on, and memory stays bounded by
 *   the LRU plus what consumers hold. Items are keyed by rowid, not by
 *   position, so rows that only shift keep their objects.
 * - Query changes (sort, filter): set_query cancels the reload in flight
 *   and starts a "head" reload: the first HEAD_ROWS rowids of the new query
 *   (LIMIT, same ORDER BY) and their records, read in the worker. It lands as
 *   a removal of every row, then an insertion of the first FIRST_ROWS of the
 *   head, so the view lands on the first rows of the new order (one
 *   items-changed replacing all rows would let GTK look for the row it
 *   tracked through a million positions and keep it in view), and the frame
 *   that shows them waits only for their row widgets. The list then grows
 *   at its end (grow_cb(): GROW_ROWS a part, below the frames' priority),
 *   with the rest of the head, then with the rows of a full query reload
 *   that completes the row set in the background (started
 *   FULL_QUERY_DELAY_MS later; it reads the records up to GROW_LIMIT too),
 *   and on in parts while a consumer holds one of the last rows grown by (a
 *   view scrolled down meanwhile), then the rest at once, past the rows GTK
 *   builds widgets for. A "changed"
 *   from the cache (a sync committed) starts a data reload: the worker diffs
 *   the old and new rowid arrays (Myers' O(ND) algorithm after trimming the
 *   common prefix and suffix, bounded in D; past the bound one range between
 *   prefix and suffix), so an append at the end (ascending) or at the start
 *   (descending) is exactly one insertion; the rows still to grow are
 *   announced before. Bursts coalesce: one reload in flight at a time, plus
 *   a pending flag.
 * - Content changes: the cache does not say which rows changed, and a row
 *   whose status changed keeps its rowid and maybe its position. A data
 *   reload therefore takes a snapshot (rowid, id, fingerprint) of every item
 *   alive, refetches those rows on the worker and compares fingerprints (a
 *   hash of every field shown). Rows that differ get a fresh object and an
 *   items-changed (pos, 1, 1) — grouped when adjacent — unless the diff
 *   already covers them. Rows with no live item need nothing: nobody can
 *   show stale data for them, the next get_item reads the new data.
 * - Emission: the worker returns ranges (old_pos, removed, new_pos, added)
 *   in ascending order. They are emitted one by one; between two emissions
 *   the model reads as new[0, split_new) ++ old[split_old, …), so
 *   get_n_items and get_item always agree with the ranges emitted so far.
 *
 * Everything except the queries, the reads of blocks and the diff runs on
 * the main thread; items must be released on it too (the weak notify
 * touches the table).
 */

#define G_LOG_DOMAIN "sr-lazy-list"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sr-cache.h"
#include "sr-lazy-list-private.h"

#define BLOCK_SIZE          256
/* The LRU keeps at most this many loaded rows (in blocks) alive. */
#define MAX_LRU_ROWS        (16 * BLOCK_SIZE)
/* A landed block replaces its placeholders in parts of LANDING_ROWS rows,
 * as many parts per main-loop iteration as fit in LANDING_BUDGET_US: GTK
 * builds new row widgets for every row an items-changed replaces, and a few
 * hundred rows at once would stall a frame. */
#define LANDING_ROWS        8
#define LANDING_BUDGET_US   4000
/* Between two of those iterations the main loop is left to the frames and
 * the input for this long; the landing runs at default priority, so frames
 * that are always due (a scroll animation) cannot starve it either. */
#define LANDING_PAUSE_MS    8
/* The first rows of a query change, read with their records by one small
 * query: rows a list about 2,000 px tall shows. */
#define HEAD_ROWS           60
/* Of those, the first frame gets the rows a window shows (about 34 px a
 * row): GTK builds and binds the row widgets of every row announced at
 * once (up to about 200 around its anchor), and that frame waits for them.
 * The list then grows by GROW_ROWS rows per part, a part or more per
 * main-loop iteration for GROW_BUDGET_US, below the frames' priority and
 * with LANDING_PAUSE_MS between two, up to GROW_LIMIT rows (past GTK's
 * ~200) or further (GROW_MARGIN); then the rest of the query at once,
 * which builds no widget. */
#define FIRST_ROWS          24
#define GROW_ROWS           8
#define GROW_BUDGET_US      4000
#define GROW_LIMIT          BLOCK_SIZE
/* Past GROW_LIMIT the list still grows in parts while a consumer holds
 * one of its last GROW_MARGIN items: a view scrolled down while the list
 * grew builds row widgets further down (GTK keeps ~200 around what it
 * shows), and the rest at once would build all of those in one iteration. */
#define GROW_MARGIN         32
#define CHANGED_DELAY_MS    50
/* The query of every rowid starts this long after the head landed, below
 * the frames' priority: on a busy machine it would take a core from the
 * frame that shows the head. */
#define FULL_QUERY_DELAY_MS 32
/* A list made with its head read ahead (the launch) waits for its consumer
 * to say the first rows are painted (sr_lazy_list_release_full()), at most
 * this long: the query of a million rowids on the other core slowed the
 * first frame down by a third on a busy two-core machine. */
#define FULL_QUERY_HOLD_MS  250
/* Myers' cost is about (n + m) * D; past this the diff gives one range. */
#define DIFF_MAX_WORK       G_GUINT64_CONSTANT (200000000)
#define DIFF_MAX_D          1024
#define DIFF_MIN_D          32

typedef struct _Block Block;

typedef struct
{
  gint64      rowid;
  GObject    *item;      /* weak */
  SrLazyList *list;
  Block      *block;     /* the LRU block holding a strong ref, if any */
  gboolean    placeholder;  /* held by consumers only, its block is asked for */
} ItemEntry;

struct _Block
{
  GList      link;       /* in SrLazyList.blocks, data = the Block */
  GArray    *rowids;
  GPtrArray *items;      /* owned */
};

typedef struct
{
  guint old_pos;
  guint removed;
  guint new_pos;
  guint added;
} Change;

typedef enum {
  RELOAD_HEAD,    /* query changed: the first HEAD_ROWS rows and their records */
  RELOAD_QUERY,   /* every rowid of the query */
  RELOAD_DATA,    /* same query, the data changed */
} ReloadKind;

/* Part of a block read, waiting to take over its placeholders. */
typedef struct
{
  guint      epoch;         /* of the list when asked */
  GArray    *positions;     /* guint, where the rows were when asked */
  GArray    *rowids;        /* gint64 */
  GPtrArray *records;       /* one per rowid, NULL if gone */
} Landing;

/* A block being read in the worker. */
typedef struct
{
  SrLazyList            *list;          /* main thread only; NULL once abandoned */
  const SrLazyListClass *klass;
  SrCache               *cache;         /* owned */
  guint                  epoch;         /* of the list when asked */
  GArray                *positions;     /* guint */
  GArray                *rowids;        /* gint64 */
  GPtrArray             *records;       /* result: one per rowid, NULL if gone */
} LoadData;

typedef struct
{
  SrLazyList            *list;          /* main thread only; NULL once abandoned */
  const SrLazyListClass *klass;
  SrCache               *cache;         /* owned */
  gpointer               query;         /* owned */
  GCancellable          *cancellable;   /* owned */
  ReloadKind             kind;
  gboolean               announced;     /* shows as "loading" */
  GArray                *old_rowids;    /* owned */
  /* RELOAD_DATA: the items alive when the reload started */
  GArray                *held_rowids;   /* gint64 */
  GPtrArray             *held_ids;      /* char *, owned */
  GArray                *held_hashes;   /* guint64 */
  /* results */
  GArray                *new_rowids;    /* gint64 */
  GPtrArray             *head_records;  /* RELOAD_HEAD: one per rowid, NULL if gone */
  /* RELOAD_QUERY that only appends to the head: the records of the rows
   * the list grows by one part at a time, from old_rowids->len */
  GPtrArray             *tail_records;
  GArray                *changes;       /* Change, ascending */
  GHashTable            *stale;         /* gint64 * rowid set: content changed */
  gint64                 started;
  gint64                 queried;       /* the worker had the rowids */
  gint64                 finished;      /* the worker was done */
} ReloadData;

struct _SrLazyList
{
  GListModel            *owner;         /* unowned, owns us */
  const SrLazyListClass *klass;
  SrCache               *cache;         /* owned */
  gpointer               query;         /* owned */
  GParamSpec            *n_items_pspec;
  GParamSpec            *loading_pspec;

  GArray                *rowids;        /* owned, the contents */
  /* How many of rowids are announced (the list grows up to rowids->len) */
  guint                  shown;
  guint                  grow_source;
  /* While applying a reload: contents are next[0, split_new) ++ rowids[split_old, …) */
  GArray                *next;
  guint                  split_new;
  guint                  split_old;

  GHashTable            *items;         /* &ItemEntry.rowid → ItemEntry */
  GQueue                 blocks;        /* head = most recently used */
  guint                  lru_rows;      /* rows held by the blocks */

  /* Blocks asked for by get_item(), as block index + 1; head = newest */
  GQueue                 wanted;
  GHashTable            *wanted_set;
  LoadData              *load;          /* the block being read, if any */
  GQueue                 landing;       /* Landing, head = next */
  guint                  landing_source;
  guint                  epoch;         /* bumped when positions change */

  ReloadData            *inflight;
  guint                  changed_source;
  guint                  full_source;   /* starts the full query (full_pending) */
  gulong                 changed_handler;
  guint                  applying : 1;
  guint                  data_pending : 1;
  guint                  query_pending : 1;
  guint                  full_pending : 1;      /* the head landed, the rest not yet */
  guint                  full_held : 1;         /* until sr_lazy_list_release_full() */
  guint                  reload_asked : 1;   /* sr_lazy_list_reload() not landed yet */
  guint                  loading : 1;
};

guint64
sr_lazy_list_hash_bytes (guint64       hash,
                         gconstpointer data,
                         gsize         len)
{
  const guchar *p = data;

  for (gsize i = 0; i < len; i++)
    {
      hash ^= p[i];
      hash *= G_GUINT64_CONSTANT (1099511628211);
    }

  return hash;
}

guint64
sr_lazy_list_hash_string (guint64     hash,
                          const char *str)
{
  /* NULL and "" must differ; the terminating NUL separates fields */
  if (str == NULL)
    return sr_lazy_list_hash_bytes (hash, "\1", 1);

  return sr_lazy_list_hash_bytes (hash, str, strlen (str) + 1);
}

static void
reload_data_free (gpointer data)
{
  ReloadData *rd = data;

  /* May run in the worker thread (GTask): nothing main-thread-only here. */
  g_clear_object (&rd->cache);
  g_clear_object (&rd->cancellable);
  if (rd->query != NULL)
    rd->klass->query_free (rd->query);
  g_clear_pointer (&rd->old_rowids, g_array_unref);
  g_clear_pointer (&rd->held_rowids, g_array_unref);
  g_clear_pointer (&rd->held_ids, g_ptr_array_unref);
  g_clear_pointer (&rd->held_hashes, g_array_unref);
  g_clear_pointer (&rd->new_rowids, g_array_unref);
  g_clear_pointer (&rd->head_records, g_ptr_array_unref);
  g_clear_pointer (&rd->tail_records, g_ptr_array_unref);
  g_clear_pointer (&rd->changes, g_array_unref);
  g_clear_pointer (&rd->stale, g_hash_table_unref);
  g_free (rd);
}

/* --- rowids and items --- */

static inline gint64
rowid_at (SrLazyList *self,
          guint       position)
{
  if (self->next == NULL)
    return g_array_index (self->rowids, gint64, position);

  if (position < self->split_new)
    return g_array_index (self->next, gint64, position);

  return g_array_index (self->rowids, gint64, position - self->split_new + self->split_old);
}

guint
sr_lazy_list_get_n_items (SrLazyList *self)
{
  g_return_val_if_fail (self != NULL, 0);

  if (self->next == NULL)
    return self->shown;

  return self->split_new + (self->rowids->len - self->split_old);
}

static void item_finalized_cb (gpointer  data,
                               GObject  *where_the_object_was);

static void
item_entry_free (gpointer data)
{
  ItemEntry *entry = data;

  if (entry->item != NULL)
    g_object_weak_unref (entry->item, item_finalized_cb, entry);
  g_free (entry);
}

static void
item_finalized_cb (gpointer  data,
                   GObject  *where_the_object_was)
{
  ItemEntry *entry = data;

  entry->item = NULL;
  g_hash_table_remove (entry->list->items, &entry->rowid);
}

static void
block_free (Block *block)
{
  g_array_unref (block->rowids);
  g_ptr_array_unref (block->items);
  g_free (block);
}

static void
landing_free (gpointer data)
{
  Landing *landing = data;

  g_array_unref (landing->positions);
  g_array_unref (landing->rowids);
  g_ptr_array_unref (landing->records);
  g_free (landing);
}

static void
evict_block (SrLazyList *self)
{
  GList *link = g_queue_pop_tail_link (&self->blocks);
  Block *block = link->data;

  self->lru_rows -= block->rowids->len;

  for (guint i = 0; i < block->rowids->len; i++)
    {
      gint64 rowid = g_array_index (block->rowids, gint64, i);
      ItemEntry *entry = g_hash_table_lookup (self->items, &rowid);

      if (entry != NULL && entry->item == g_ptr_array_index (block->items, i))
        entry->block = NULL;
    }

  /* Items nobody else holds die here and leave the table. */
  block_free (block);
}

static void
add_entry (SrLazyList *self,
           Block      *block,
           gint64      rowid,
           gpointer    item)
{
  ItemEntry *entry = g_new0 (ItemEntry, 1);

  entry->rowid = rowid;
  entry->item = item;
  entry->list = self;
  entry->block = block;
  g_object_weak_ref (item, item_finalized_cb, entry);
  g_hash_table_replace (self->items, &entry->rowid, entry);

  g_array_append_val (block->rowids, rowid);
  g_ptr_array_add (block->items, item);
}

static void
unref_nullable (gpointer object)
{
  if (object != NULL)
    g_object_unref (object);
}

static void
load_data_free (gpointer data)
{
  LoadData *ld = data;

  /* May run in the worker thread: nothing main-thread-only here. */
  g_clear_object (&ld->cache);
  g_clear_pointer (&ld->positions, g_array_unref);
  g_clear_pointer (&ld->rowids, g_array_unref);
  g_clear_pointer (&ld->records, g_ptr_array_unref);
  g_free (ld);
}

/* Worker: the records of some rowids, one per rowid (NULL for a row deleted
 * since the rowids were computed; the reload that deletion triggers removes
 * it from the list). */
static GPtrArray *
read_records (const SrLazyListClass *klass,
              SrCache               *cache,
              const gint64          *rowids,
              guint                  n_rowids)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *records;

  records = klass->get_by_rowid (cache, rowids, n_rowids, &error);
  if (records != NULL && records->len == n_rowids)
    {
      g_ptr_array_set_free_func (records, unref_nullable);
      return records;
    }

  /* Some rows are gone: find out which, one at a time (rare). */
  if (error != NULL)
    g_debug ("Reading %u rows: %s", n_rowids, error->message);
  g_clear_pointer (&records, g_ptr_array_unref);

  records = g_ptr_array_new_full (n_rowids, unref_nullable);
  for (guint i = 0; i < n_rowids; i++)
    {
      g_autoptr(GPtrArray) one = klass->get_by_rowid (cache, &rowids[i], 1, NULL);

      g_ptr_array_add (records, one != NULL && one->len == 1 ? g_ptr_array_steal_index (one, 0) : NULL);
    }

  return records;
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadData *ld = task_data;

  ld->records = read_records (ld->klass, ld->cache,
                              (const gint64 *) (gpointer) ld->rowids->data, ld->rowids->len);
  g_task_return_boolean (task, TRUE);
}

static void
push_block (SrLazyList *self,
            Block      *block)
{
  g_queue_push_head_link (&self->blocks, &block->link);
  self->lru_rows += block->rowids->len;
  while (self->lru_rows > MAX_LRU_ROWS && self->blocks.length > 1)
    evict_block (self);
}

static Block *
block_new (guint size)
{
  Block *block = g_new0 (Block, 1);

  block->link.data = block;
  block->rowids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), size);
  block->items = g_ptr_array_new_full (size, g_object_unref);

  return block;
}

/* Appends to positions where the rowids of moved are now: one pass over
 * the list, however many there are. */
static void
find_positions (SrLazyList *self,
                GHashTable *moved,
                GArray     *positions)
{
  guint n = sr_lazy_list_get_n_items (self);

  for (guint i = 0; i < n && g_hash_table_size (moved) > 0; i++)
    {
      gint64 rowid = rowid_at (self, i);

      if (g_hash_table_remove (moved, &rowid))
        g_array_append_val (positions, i);
    }
}

static int
compare_guint (gconstpointer a,
               gconstpointer b)
{
  guint x = *(const guint *) a, y = *(const guint *) b;

  return x < y ? -1 : x > y;
}

/* Installs records (one per rowid, NULL skipped) as the items of a new LRU
 * block. A placeholder alive for a rowid is filled in place when the class
 * can (the consumer's object becomes the loaded item and announces it
 * itself); otherwise the record replaces it, and the positions of such
 * placeholders are returned, sorted, when positions is not NULL. Returns
 * how many placeholders were filled in place. */
static guint
install_records (SrLazyList *self,
                 GArray     *rowids,
                 GArray     *hints,
                 GPtrArray  *records,
                 GArray     *positions)
{
  Block *block = block_new (rowids->len);
  g_autoptr(GHashTable) moved = NULL;
  g_autoptr(GPtrArray) filled = NULL;   /* placeholder, record, … */
  guint n_filled;

  for (guint i = 0; i < rowids->len; i++)
    {
      gint64 rowid = g_array_index (rowids, gint64, i);
      gpointer record = g_ptr_array_index (records, i);
      ItemEntry *entry;

      if (record == NULL)
        continue;

      entry = g_hash_table_lookup (self->items, &rowid);
      if (entry != NULL && !entry->placeholder)
        continue;   /* loaded meanwhile: keep that object */

      if (entry != NULL && self->klass->fill_placeholder != NULL)
        {
          /* The placeholder stays the item: no row is replaced. It is
           * filled once the block is in place (below). */
          gpointer item = g_object_ref (entry->item);

          if (filled == NULL)
            filled = g_ptr_array_new_with_free_func (g_object_unref);
          g_ptr_array_add (filled, g_object_ref (item));
          g_ptr_array_add (filled, g_steal_pointer (&g_ptr_array_index (records, i)));
          add_entry (self, block, rowid, item);
          continue;
        }

      if (entry != NULL && positions != NULL)
        {
          guint hint = hints != NULL ? g_array_index (hints, guint, i) : G_MAXUINT;

          if (hint < sr_lazy_list_get_n_items (self) && rowid_at (self, hint) == rowid)
            g_array_append_val (positions, hint);
          else
            {
              /* Positions moved since the block was asked for. */
              if (moved == NULL)
                moved = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
              g_hash_table_add (moved, g_memdup2 (&rowid, sizeof rowid));
            }
        }

      /* Replaces (and unhooks from) the placeholder's entry, if any. */
      add_entry (self, block, rowid, g_steal_pointer (&g_ptr_array_index (records, i)));
    }

  if (moved != NULL)
    find_positions (self, moved, positions);

  if (block->rowids->len == 0)
    block_free (block);
  else
    push_block (self, block);

  if (positions != NULL)
    g_array_sort (positions, compare_guint);

  /* The model is consistent now: the placeholders take their data and
   * tell their consumers (which may do anything). */
  n_filled = filled != NULL ? filled->len / 2 : 0;
  for (guint i = 0; i < n_filled; i++)
    self->klass->fill_placeholder (g_ptr_array_index (filled, 2 * i),
                                   g_ptr_array_index (filled, 2 * i + 1));

  return n_filled;
}

static void maybe_start_load (SrLazyList *self);

/* Installs one landing's records and announces the placeholders they
 * replace, as items-changed (pos, n, n) per run, or fills them in place.
 * FALSE if nobody showed any of them (nothing announced). */
static gboolean
land (SrLazyList *self,
      Landing    *landing)
{
  g_autoptr(GArray) positions = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GObject) owner = g_object_ref (G_OBJECT (self->owner));
  guint epoch = self->epoch;
  guint n_filled;

  n_filled = install_records (self, landing->rowids,
                              landing->epoch == self->epoch ? landing->positions : NULL,
                              landing->records, positions);

  /* Runs of replaced placeholders; a handler may change the query. */
  for (guint i = 0; i < positions->len && epoch == self->epoch;)
    {
      guint start = g_array_index (positions, guint, i);
      guint n = 1;

      while (i + n < positions->len && g_array_index (positions, guint, i + n) == start + n)
        n++;
      i += n;
      g_list_model_items_changed (self->owner, start, n, n);
    }

  return positions->len > 0 || n_filled > 0;
}

static gboolean landing_cb (gpointer user_data);

/* A main-loop source on the default context: idle when delay_ms is 0. */
static guint
add_source (guint        delay_ms,
            int          priority,
            GSourceFunc  func,
            gpointer     data,
            const char  *name)
{
  GSource *source = delay_ms == 0 ? g_idle_source_new () : g_timeout_source_new (delay_ms);
  guint id;

  g_source_set_priority (source, priority);
  g_source_set_callback (source, func, data, NULL);
  g_source_set_static_name (source, name);
  id = g_source_attach (source, NULL);
  g_source_unref (source);

  return id;
}

static void
schedule_landing (SrLazyList *self,
                  guint       delay_ms)
{
  self->landing_source = add_source (delay_ms, G_PRIORITY_DEFAULT, landing_cb, self,
                                     "[sr-lazy-list] landing");
}

static gboolean
landing_cb (gpointer user_data)
{
  SrLazyList *self = user_data;
  gint64 deadline = g_get_monotonic_time () + LANDING_BUDGET_US;
  g_autoptr(GObject) owner = g_object_ref (G_OBJECT (self->owner));

  self->landing_source = 0;

  /* Parts whose placeholders all died (scrolled past) cost nothing. */
  while (self->landing.length > 0 && self->landing_source == 0)
    {
      Landing *landing = g_queue_pop_head (&self->landing);
      gboolean shown = land (self, landing);

      landing_free (landing);
      if (shown && g_get_monotonic_time () >= deadline)
        break;
    }

  /* A handler may have landed everything, or scheduled more. */
  if (self->landing.length > 0 && self->landing_source == 0)
    schedule_landing (self, LANDING_PAUSE_MS);

  return G_SOURCE_REMOVE;
}

/* Everything landed but not announced yet, now: before the positions
 * change, and when the list is waited for. */
static void
land_all (SrLazyList *self)
{
  Landing *landing;

  g_clear_handle_id (&self->landing_source, g_source_remove);
  while ((landing = g_queue_pop_head (&self->landing)) != NULL)
    {
      land (self, landing);
      landing_free (landing);
    }
}

static Landing *
landing_new (LoadData *ld,
             guint     from,
             guint     n)
{
  Landing *landing = g_new0 (Landing, 1);

  landing->epoch = ld->epoch;
  landing->positions = g_array_sized_new (FALSE, FALSE, sizeof (guint), n);
  landing->rowids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n);
  landing->records = g_ptr_array_new_full (n, unref_nullable);
  g_array_append_vals (landing->positions, &g_array_index (ld->positions, guint, from), n);
  g_array_append_vals (landing->rowids, &g_array_index (ld->rowids, gint64, from), n);
  for (guint i = from; i < from + n; i++)
    g_ptr_array_add (landing->records, g_steal_pointer (&g_ptr_array_index (ld->records, i)));

  return landing;
}

/* A block landed: its rows take over from their placeholders a few at a
 * time, one main-loop iteration each, so that a frame is never held up by
 * the widgets of hundreds of rows. The rows a view shows are at one end of
 * the rows it holds (it keeps rows above or below what it shows), so the
 * parts go from both ends inwards; a newer block goes before older ones. */
static void
load_cb (GObject      *source_object,
         GAsyncResult *result,
         gpointer      user_data)
{
  LoadData *ld = g_task_get_task_data (G_TASK (result));
  SrLazyList *self = ld->list;
  g_autoptr(GPtrArray) parts = NULL;
  guint n, front, back;

  if (self == NULL)
    return;   /* the model is gone */

  g_assert (self->load == ld);
  self->load = NULL;
  ld->list = NULL;

  n = ld->rowids->len;
  parts = g_ptr_array_new ();
  front = 0;
  back = n;
  while (front < back)
    {
      guint len = MIN (LANDING_ROWS, back - front);

      /* The end first: after a jump GTK shows the last rows it holds (it
       * keeps rows above them); after Home, the first. */
      back -= len;
      g_ptr_array_add (parts, landing_new (ld, back, len));
      if (front >= back)
        break;
      len = MIN (LANDING_ROWS, back - front);
      g_ptr_array_add (parts, landing_new (ld, front, len));
      front += len;
    }

  for (guint i = parts->len; i > 0; i--)
    g_queue_push_head (&self->landing, g_ptr_array_index (parts, i - 1));

  /* The first part at once. */
  if (self->landing.length > 0 && self->landing_source == 0)
    schedule_landing (self, 0);

  maybe_start_load (self);
}

/* Starts reading the newest wanted block that still has a placeholder alive. */
static void
maybe_start_load (SrLazyList *self)
{
  while (self->load == NULL && self->wanted.length > 0)
    {
      guint index = GPOINTER_TO_UINT (g_queue_pop_head (&self->wanted)) - 1;
      guint n_items = sr_lazy_list_get_n_items (self);
      guint start = index * BLOCK_SIZE;
      guint end = MIN (start + BLOCK_SIZE, n_items);
      g_autoptr(GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
      gint64 keys[BLOCK_SIZE];
      g_autoptr(GTask) task = NULL;
      gboolean needed = FALSE;
      LoadData *ld;

      g_hash_table_remove (self->wanted_set, GUINT_TO_POINTER (index + 1));
      if (start >= end)
        continue;

      ld = g_new0 (LoadData, 1);
      ld->positions = g_array_sized_new (FALSE, FALSE, sizeof (guint), end - start);
      ld->rowids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), end - start);

      for (guint i = start; i < end; i++)
        {
          ItemEntry *entry;

          keys[i - start] = rowid_at (self, i);
          entry = g_hash_table_lookup (self->items, &keys[i - start]);
          if (entry != NULL && !entry->placeholder)
            continue;
          /* Only while a reload lands can a rowid show at two positions. */
          if (!g_hash_table_add (seen, &keys[i - start]))
            continue;
          needed |= entry != NULL;
          g_array_append_val (ld->positions, i);
          g_array_append_val (ld->rowids, keys[i - start]);
        }

      if (!needed)
        {
          /* Nobody looks at this block any more. */
          load_data_free (ld);
          continue;
        }

      ld->list = self;
      ld->klass = self->klass;
      ld->cache = g_object_ref (self->cache);
      ld->epoch = self->epoch;

      task = g_task_new (NULL, NULL, load_cb, NULL);
      g_task_set_source_tag (task, maybe_start_load);
      g_task_set_name (task, "[sr-lazy-list] load block");
      g_task_set_task_data (task, ld, load_data_free);
      self->load = ld;
      g_task_run_in_thread (task, load_thread);
    }
}

static void
want_block (SrLazyList *self,
            guint       position)
{
  gpointer key = GUINT_TO_POINTER (position / BLOCK_SIZE + 1);

  if (g_hash_table_contains (self->wanted_set, key))
    return;

  g_hash_table_add (self->wanted_set, key);
  g_queue_push_head (&self->wanted, key);
  maybe_start_load (self);
}

gpointer
sr_lazy_list_get_item (SrLazyList *self,
                       guint       position)
{
  ItemEntry *entry;
  gpointer item;
  gint64 rowid;

  g_return_val_if_fail (self != NULL, NULL);

  if (position >= sr_lazy_list_get_n_items (self))
    return NULL;

  rowid = rowid_at (self, position);
  entry = g_hash_table_lookup (self->items, &rowid);
  if (entry == NULL)
    {
      /* Only the consumer holds it; the entry watches it weakly. */
      item = self->klass->new_placeholder ();
      entry = g_new0 (ItemEntry, 1);
      entry->rowid = rowid;
      entry->item = item;
      entry->list = self;
      entry->placeholder = TRUE;
      g_object_weak_ref (item, item_finalized_cb, entry);
      g_hash_table_replace (self->items, &entry->rowid, entry);
      want_block (self, position);
      return item;
    }

  if (entry->placeholder)
    want_block (self, position);
  else if (entry->block != NULL && self->blocks.head != &entry->block->link)
    {
      g_queue_unlink (&self->blocks, &entry->block->link);
      g_queue_push_head_link (&self->blocks, &entry->block->link);
    }

  return g_object_ref (entry->item);
}

gboolean
sr_lazy_list_is_loaded (SrLazyList *self,
                        guint       position)
{
  ItemEntry *entry;
  gint64 rowid;

  g_return_val_if_fail (self != NULL, FALSE);

  if (position >= sr_lazy_list_get_n_items (self))
    return FALSE;

  rowid = rowid_at (self, position);
  entry = g_hash_table_lookup (self->items, &rowid);

  return entry != NULL && !entry->placeholder;
}

/* --- the diff (worker thread) --- */

static void
add_change (GArray *changes,
            guint   old_pos,
            guint   removed,
            guint   new_pos,
            guint   added)
{
  Change change = { old_pos, removed, new_pos, added };

  if (changes->len > 0)
    {
      Change *last = &g_array_index (changes, Change, changes->len - 1);

      if (last->old_pos + last->removed == old_pos &&
          last->new_pos + last->added == new_pos)
        {
          last->removed += removed;
          last->added += added;
          return;
        }
    }

  g_array_append_val (changes, change);
}

/* Myers' greedy O((n + m) D) diff of a[0, n) and b[0, m); appends the
 * changes, shifted by offset, to changes. FALSE if D exceeds max_d or if
 * cancelled. */
static gboolean
diff_myers (const gint64 *a,
            int           n,
            const gint64 *b,
            int           m,
            int           max_d,
            guint         offset,
            GArray       *changes,
            GCancellable *cancellable)
{
  g_autoptr(GPtrArray) trace = g_ptr_array_new_with_free_func (g_free);
  g_autofree int *v_mem = g_new0 (int, 2 * max_d + 3);
  g_autoptr(GArray) edits = NULL;
  int *v = v_mem + max_d + 1;
  int found = -1;
  int x, y;

  v[1] = 0;
  for (int d = 0; d <= max_d && found < 0; d++)
    {
      int *saved;

      if (g_cancellable_is_cancelled (cancellable))
        return FALSE;

      for (int k = -d; k <= d; k += 2)
        {
          if (k == -d || (k != d && v[k - 1] < v[k + 1]))
            x = v[k + 1];
          else
            x = v[k - 1] + 1;
          y = x - k;

          while (x < n && y < m && a[x] == b[y])
            x++, y++;

          v[k] = x;
          if (x >= n && y >= m)
            {
              found = d;
              break;
            }
        }

      saved = g_new (int, 2 * d + 1);
      memcpy (saved, v - d, sizeof (int) * (2 * d + 1));
      g_ptr_array_add (trace, saved);
    }

  if (found < 0)
    return FALSE;

  /* Walk back from (n, m); each step is one deletion or insertion,
   * recorded as the point it starts from. */
  edits = g_array_sized_new (FALSE, FALSE, sizeof (int) * 3, found);
  x = n;
  y = m;
  for (int d = found; d > 0; d--)
    {
      const int *pv = (const int *) g_ptr_array_index (trace, d - 1) + (d - 1);
      int k = x - y;
      int prev_k, prev_x, prev_y;
      int edit[3];

      if (k == -d || (k != d && pv[k - 1] < pv[k + 1]))
        prev_k = k + 1;
      else
        prev_k = k - 1;

      prev_x = pv[prev_k];
      prev_y = prev_x - prev_k;

      edit[0] = prev_x;
      edit[1] = prev_y;
      edit[2] = prev_k == k + 1;  /* insertion of b[prev_y], else deletion of a[prev_x] */
      g_array_append_val (edits, edit);

      x = prev_x;
      y = prev_y;
    }

  for (guint i = edits->len; i > 0; i--)
    {
      const int *edit = (const int *) (gpointer) (edits->data + (i - 1) * 3 * sizeof (int));

      if (edit[2])
        add_change (changes, offset + edit[0], 0, offset + edit[1], 1);
      else
        add_change (changes, offset + edit[0], 1, offset + edit[1], 0);
    }

  return TRUE;
}

static GArray *
diff_rowids (GArray       *old_rowids,
             GArray       *new_rowids,
             gboolean      minimal,
             GCancellable *cancellable)
{
  GArray *changes = g_array_new (FALSE, FALSE, sizeof (Change));
  const gint64 *a = (const gint64 *) (gpointer) old_rowids->data;
  const gint64 *b = (const gint64 *) (gpointer) new_rowids->data;
  guint n = old_rowids->len;
  guint m = new_rowids->len;
  guint prefix = 0;
  guint suffix = 0;

  while (prefix < n && prefix < m && a[prefix] == b[prefix])
    prefix++;
  while (suffix < n - prefix && suffix < m - prefix &&
         a[n - 1 - suffix] == b[m - 1 - suffix])
    suffix++;

  n -= prefix + suffix;
  m -= prefix + suffix;

  if (n == 0 && m == 0)
    return changes;

  if (minimal && n > 0 && m > 0)
    {
      guint64 max_d = DIFF_MAX_WORK / ((guint64) n + m);

      max_d = CLAMP (max_d, DIFF_MIN_D, DIFF_MAX_D);
      max_d = MIN (max_d, (guint64) n + m);

      if (diff_myers (a + prefix, n, b + prefix, m, max_d, prefix, changes, cancellable))
        return changes;

      g_array_set_size (changes, 0);
    }

  add_change (changes, prefix, n, prefix, m);

  return changes;
}

/* Which of the items alive at the start have different data now. */
static GHashTable *
find_stale_items (ReloadData    *rd,
                  GCancellable  *cancellable)
{
  GHashTable *stale = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  guint n = rd->held_rowids->len;

  for (guint start = 0; start < n; start += BLOCK_SIZE)
    {
      guint len = MIN (BLOCK_SIZE, n - start);
      const gint64 *rowids = &g_array_index (rd->held_rowids, gint64, start);
      g_autoptr(GPtrArray) records = NULL;

      if (g_cancellable_is_cancelled (cancellable))
        break;

      records = rd->klass->get_by_rowid (rd->cache, rowids, len, NULL);

      for (guint i = 0; i < len; i++)
        {
          g_autoptr(GPtrArray) one = NULL;
          gpointer record = NULL;

          if (records != NULL && records->len == len)
            record = g_ptr_array_index (records, i);
          else
            {
              one = rd->klass->get_by_rowid (rd->cache, &rowids[i], 1, NULL);
              if (one != NULL && one->len == 1)
                record = g_ptr_array_index (one, 0);
            }

          /* A deleted row leaves the rowid array; the diff covers it. */
          if (record == NULL)
            continue;

          if (g_strcmp0 (rd->klass->get_id (record), g_ptr_array_index (rd->held_ids, start + i)) != 0 ||
              rd->klass->fingerprint (record) != g_array_index (rd->held_hashes, guint64, start + i))
            g_hash_table_add (stale, g_memdup2 (&rowids[i], sizeof (gint64)));
        }
    }

  return stale;
}

/* Adds (pos, 1, 1) for stale rows that no change covers yet. */
static void
add_stale_changes (ReloadData *rd)
{
  g_autoptr(GArray) merged = g_array_new (FALSE, FALSE, sizeof (Change));
  const gint64 *b = (const gint64 *) (gpointer) rd->new_rowids->data;
  guint ci = 0;
  int delta = 0;   /* new_pos - old_pos past the changes seen so far */

  for (guint p = 0; p < rd->new_rowids->len; p++)
    {
      const Change *c;

      if (!g_hash_table_contains (rd->stale, &b[p]))
        continue;

      /* flush the changes that start at or before p */
      while (ci < rd->changes->len &&
             (c = &g_array_index (rd->changes, Change, ci))->new_pos <= p)
        {
          if (p < c->new_pos + c->added)
            break;  /* inside an insertion: covered */
          add_change (merged, c->old_pos, c->removed, c->new_pos, c->added);
          delta = (int) (c->new_pos + c->added) - (int) (c->old_pos + c->removed);
          ci++;
        }

      if (ci < rd->changes->len)
        {
          c = &g_array_index (rd->changes, Change, ci);
          if (c->new_pos <= p && p < c->new_pos + c->added)
            continue;
        }

      add_change (merged, (guint) ((int) p - delta), 1, p, 1);
    }

  for (; ci < rd->changes->len; ci++)
    {
      const Change *c = &g_array_index (rd->changes, Change, ci);
      add_change (merged, c->old_pos, c->removed, c->new_pos, c->added);
    }

  g_array_set_size (rd->changes, 0);
  g_array_append_vals (rd->changes, merged->data, merged->len);
}

/* The new rowids are the old ones and more after them (a head completed). */
static gboolean
reload_only_appends (ReloadData *rd)
{
  const Change *c;

  if (rd->changes->len == 0)
    return TRUE;
  if (rd->changes->len > 1)
    return FALSE;
  c = &g_array_index (rd->changes, Change, 0);
  return c->removed == 0 && c->old_pos == rd->old_rowids->len && c->new_pos == c->old_pos;
}

static void
reload_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ReloadData *rd = task_data;
  GError *error = NULL;

  rd->new_rowids = rd->klass->query_rowids (rd->cache, rd->query,
                                            rd->kind == RELOAD_HEAD ? HEAD_ROWS : -1,
                                            cancellable, &error);
  if (rd->new_rowids == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  rd->queried = g_get_monotonic_time ();
  if (g_task_return_error_if_cancelled (task))
    return;

  if (rd->kind == RELOAD_HEAD)
    {
      /* Lands as "remove all, insert these": no diff. */
      rd->head_records = read_records (rd->klass, rd->cache,
                                       (const gint64 *) (gpointer) rd->new_rowids->data,
                                       rd->new_rowids->len);
      rd->finished = g_get_monotonic_time ();
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (rd->kind == RELOAD_DATA && rd->held_rowids->len > 0)
    rd->stale = find_stale_items (rd, cancellable);

  rd->changes = diff_rowids (rd->old_rowids, rd->new_rowids,
                             rd->kind == RELOAD_DATA, cancellable);

  if (rd->stale != NULL && g_hash_table_size (rd->stale) > 0)
    add_stale_changes (rd);

  /* The rest of a head: the records of the rows the list grows by. */
  if (rd->kind == RELOAD_QUERY && reload_only_appends (rd) &&
      rd->old_rowids->len < GROW_LIMIT && !g_cancellable_is_cancelled (cancellable))
    {
      guint from = rd->old_rowids->len;
      guint to = MIN (rd->new_rowids->len, GROW_LIMIT);

      rd->tail_records = read_records (rd->klass, rd->cache,
                                       &g_array_index (rd->new_rowids, gint64, from),
                                       to - from);
    }

  rd->finished = g_get_monotonic_time ();
  if (g_task_return_error_if_cancelled (task))
    return;

  g_task_return_boolean (task, TRUE);
}

/* --- reload scheduling (main thread) --- */

static void start_reload (SrLazyList *self,
                          ReloadKind  kind);

static void
update_loading (SrLazyList *self)
{
  gboolean loading = self->query_pending || self->full_pending || self->reload_asked ||
                     self->shown < self->rowids->len ||
                     (self->inflight != NULL && self->inflight->announced);

  if (self->loading == loading)
    return;

  self->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self->owner), self->loading_pspec);
}

static void
drop_entry (SrLazyList *self,
            gint64      rowid)
{
  ItemEntry *entry = g_hash_table_lookup (self->items, &rowid);
  gpointer item = NULL;
  guint i;

  if (entry == NULL)
    return;

  /* Out of the LRU too: the old object is not handed out again; whoever
   * still holds it keeps it until the items-changed makes them let go. */
  if (entry->block != NULL &&
      g_ptr_array_find (entry->block->items, entry->item, &i))
    {
      g_array_remove_index_fast (entry->block->rowids, i);
      item = g_ptr_array_steal_index_fast (entry->block->items, i);
      self->lru_rows--;
    }

  g_hash_table_remove (self->items, &rowid);
  g_clear_object (&item);
}

/* --- growing (main thread) --- */

/* Announces rows [shown, shown + n) of rowids. */
static void
grow_by (SrLazyList *self,
         guint       n)
{
  guint from = self->shown;

  g_assert (self->next == NULL);
  g_assert (from + n <= self->rowids->len);

  self->shown += n;
  g_list_model_items_changed (self->owner, from, 0, n);
  g_object_notify_by_pspec (G_OBJECT (self->owner), self->n_items_pspec);
}

static gboolean grow_cb (gpointer user_data);

/* Whether a consumer (a view's row widget) holds one of the last
 * GROW_MARGIN items announced: the LRU holds a loaded item once, nobody
 * else a placeholder. */
static gboolean
end_held (SrLazyList *self)
{
  for (guint i = self->shown > GROW_MARGIN ? self->shown - GROW_MARGIN : 0; i < self->shown; i++)
    {
      ItemEntry *entry = g_hash_table_lookup (self->items, &g_array_index (self->rowids, gint64, i));

      if (entry != NULL && g_atomic_int_get (&entry->item->ref_count) > (entry->block != NULL ? 1 : 0))
        return TRUE;
    }
  return FALSE;
}

static void
schedule_growth (SrLazyList *self)
{
  if (self->grow_source != 0 || self->shown >= self->rowids->len)
    return;

  /* Below the frames' priority: the frame that shows what was announced
   * goes first. */
  self->grow_source = add_source (LANDING_PAUSE_MS, G_PRIORITY_DEFAULT_IDLE, grow_cb, self,
                                  "[sr-lazy-list] grow");
}

/* The rest at once: before a reload that moves rows, and when waited for. */
static void
grow_all (SrLazyList *self)
{
  g_clear_handle_id (&self->grow_source, g_source_remove);
  if (self->shown < self->rowids->len)
    grow_by (self, self->rowids->len - self->shown);
}

static gboolean
grow_cb (gpointer user_data)
{
  SrLazyList *self = user_data;
  gint64 deadline = g_get_monotonic_time () + GROW_BUDGET_US;
  g_autoptr(GObject) owner = g_object_ref (G_OBJECT (self->owner));
  guint epoch = self->epoch;
  gboolean grew = FALSE;

  self->grow_source = 0;

  /* A handler may change the query or grow the list itself. */
  while (epoch == self->epoch && self->grow_source == 0 && self->shown < self->rowids->len)
    {
      /* Small parts while a view may still build rows for them: up to
       * GROW_LIMIT, and on while it holds the last rows grown by (it was
       * scrolled down meanwhile). */
      guint limit = MIN (self->rowids->len, GROW_LIMIT);

      if (self->shown < limit || end_held (self))
        grow_by (self, MIN (GROW_ROWS, self->rowids->len - self->shown));
      else if (grew)
        break;   /* the view lays out what it got first, then asks or not */
      else
        {
          guint from = self->shown;
          gint64 t0 = g_get_monotonic_time ();

          grow_by (self, self->rowids->len - self->shown);   /* past GTK's widgets */
          g_debug ("Grew the rest at once: from %u, %u rows, %.1f ms", from,
                   self->rowids->len - from, (g_get_monotonic_time () - t0) / 1000.);
        }
      grew = TRUE;

      if (g_get_monotonic_time () >= deadline)
        break;
    }

  if (epoch == self->epoch)
    schedule_growth (self);

  update_loading (self);
  return G_SOURCE_REMOVE;
}

/* Placeholders handed out while a reload landed may have been asked for at
 * positions that have moved: ask again for the blocks they are in now. */
static void
rerequest_placeholders (SrLazyList *self)
{
  g_autoptr(GHashTable) waiting = NULL;
  GHashTableIter iter;
  ItemEntry *entry;

  g_hash_table_iter_init (&iter, self->items);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &entry))
    {
      if (!entry->placeholder)
        continue;
      if (waiting == NULL)
        waiting = g_hash_table_new (g_int64_hash, g_int64_equal);
      g_hash_table_add (waiting, &entry->rowid);
    }

  if (waiting == NULL)
    return;

  for (guint i = 0; i < self->rowids->len && g_hash_table_size (waiting) > 0; i++)
    if (g_hash_table_remove (waiting, &g_array_index (self->rowids, gint64, i)))
      want_block (self, i);
}

/* A query change: every row goes, then the head of the new query comes,
 * with its records already read. The full reload that follows inserts the
 * rest after it. */
static void
apply_head (SrLazyList *self,
            ReloadData *rd)
{
  g_autoptr(GArray) old_rowids = NULL;
  guint n_old = self->shown;
  gint64 landed = g_get_monotonic_time ();
  gint64 removed;

  install_records (self, rd->new_rowids, NULL, rd->head_records, NULL);

  g_clear_handle_id (&self->grow_source, g_source_remove);
  self->applying = TRUE;
  old_rowids = g_steal_pointer (&self->rowids);
  self->rowids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->shown = 0;
  if (n_old > 0)
    {
      g_list_model_items_changed (self->owner, 0, n_old, 0);
      g_object_notify_by_pspec (G_OBJECT (self->owner), self->n_items_pspec);
    }

  removed = g_get_monotonic_time ();

  /* The rows in view now, the rest of the head part by part. */
  g_clear_pointer (&self->rowids, g_array_unref);
  self->rowids = g_array_ref (rd->new_rowids);
  if (self->rowids->len > 0)
    grow_by (self, MIN (FIRST_ROWS, self->rowids->len));
  self->applying = FALSE;

  schedule_growth (self);
  rerequest_placeholders (self);

  /* From the query change: the rowids, the records, on the main loop,
   * announced (the items-changed handlers ran). */
  g_debug ("Reload (head): %u -> %u rows, query %.1f ms, records %.1f ms, "
           "landed %.1f ms, old rows removed %.1f ms, announced %.1f ms", n_old, rd->new_rowids->len,
           (rd->queried - rd->started) / 1000., (rd->finished - rd->started) / 1000.,
           (landed - rd->started) / 1000., (removed - rd->started) / 1000.,
           (g_get_monotonic_time () - rd->started) / 1000.);
}

static void
apply_reload (SrLazyList *self,
              ReloadData *rd)
{
  g_autoptr(GArray) old_rowids = NULL;

  g_assert (!self->applying);
  g_assert (rd->old_rowids == self->rowids);

  if (rd->kind == RELOAD_HEAD)
    {
      self->epoch++;
      apply_head (self, rd);
      return;
    }

  if (rd->kind == RELOAD_QUERY && reload_only_appends (rd) &&
      (rd->stale == NULL || g_hash_table_size (rd->stale) == 0))
    {
      /* The rest of the head: no row announced moves, the list grows. */
      g_debug ("Reload (query): %u -> %u rows, appended, query %.1f ms, done %.1f ms, landed %.1f ms",
               self->rowids->len, rd->new_rowids->len,
               (rd->queried - rd->started) / 1000., (rd->finished - rd->started) / 1000.,
               (g_get_monotonic_time () - rd->started) / 1000.);
      if (rd->tail_records != NULL)
        {
          g_autoptr(GArray) tail = g_array_new (FALSE, FALSE, sizeof (gint64));

          g_array_append_vals (tail, &g_array_index (rd->new_rowids, gint64, self->rowids->len),
                               rd->tail_records->len);
          install_records (self, tail, NULL, rd->tail_records, NULL);
        }
      g_clear_pointer (&self->rowids, g_array_unref);
      self->rowids = g_array_ref (rd->new_rowids);
      schedule_growth (self);
      return;
    }

  /* Rows move: everything is announced first. */
  self->applying = TRUE;
  grow_all (self);
  self->applying = FALSE;

  self->epoch++;

  g_debug ("Reload (%s): %u -> %u rows, %u ranges, %u stale, query %.1f ms, done %.1f ms, landed %.1f ms",
           rd->kind == RELOAD_QUERY ? "query" : "data",
           self->rowids->len, rd->new_rowids->len, rd->changes->len,
           rd->stale != NULL ? g_hash_table_size (rd->stale) : 0,
           (rd->queried - rd->started) / 1000., (rd->finished - rd->started) / 1000.,
           (g_get_monotonic_time () - rd->started) / 1000.);

  if (rd->stale != NULL)
    {
      GHashTableIter iter;
      gint64 *rowid;

      g_hash_table_iter_init (&iter, rd->stale);
      while (g_hash_table_iter_next (&iter, (gpointer *) &rowid, NULL))
        drop_entry (self, *rowid);
    }

  self->applying = TRUE;
  self->next = g_array_ref (rd->new_rowids);
  self->split_new = 0;
  self->split_old = 0;

  for (guint i = 0; i < rd->changes->len; i++)
    {
      const Change *c = &g_array_index (rd->changes, Change, i);

      self->split_new = c->new_pos + c->added;
      self->split_old = c->old_pos + c->removed;

      g_list_model_items_changed (self->owner, c->new_pos, c->removed, c->added);
      if (c->removed != c->added)
        g_object_notify_by_pspec (G_OBJECT (self->owner), self->n_items_pspec);
    }

  old_rowids = g_steal_pointer (&self->rowids);
  self->rowids = g_steal_pointer (&self->next);
  self->shown = self->rowids->len;
  self->applying = FALSE;

  rerequest_placeholders (self);
}

static gboolean
full_query_cb (gpointer user_data)
{
  SrLazyList *self = user_data;

  self->full_source = 0;
  self->full_held = FALSE;
  if (self->full_pending && self->inflight == NULL && !self->applying)
    {
      self->full_pending = FALSE;
      start_reload (self, RELOAD_QUERY);
    }
  return G_SOURCE_REMOVE;
}

static void after_reload (SrLazyList *self);

static void
reload_cb (GObject      *source_object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = G_TASK (result);
  ReloadData *rd = g_task_get_task_data (task);
  SrLazyList *self = rd->list;
  g_autoptr(GObject) owner = NULL;
  g_autoptr(GError) error = NULL;

  if (self == NULL)
    return;  /* superseded by a newer query, or the model is gone */

  /* A handler of items-changed may drop the last other reference. */
  owner = g_object_ref (G_OBJECT (self->owner));

  /* Rows landed but not announced yet go first, at their positions now;
   * a query change replaces every row, they need not be announced. */
  if (rd->kind == RELOAD_HEAD && !g_task_had_error (task))
    {
      g_clear_handle_id (&self->landing_source, g_source_remove);
      g_queue_clear_full (&self->landing, landing_free);
    }
  land_all (self);
  if (rd->list == NULL)
    return;   /* a handler started a newer query */

  g_assert (self->inflight == rd);
  self->inflight = NULL;
  rd->list = NULL;

  if (!g_task_propagate_boolean (task, &error))
    {
      if (g_error_matches (error, SR_CACHE_ERROR, SR_CACHE_ERROR_CLOSED) ||
          g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Reload stopped: %s", error->message);
      else
        g_warning ("Could not load the list: %s", error->message);
    }
  else
    {
      apply_reload (self, rd);

      /* A full head may be the start of more: read them all. */
      if (rd->kind == RELOAD_HEAD && rd->new_rowids->len >= HEAD_ROWS &&
          !self->query_pending)
        self->full_pending = TRUE;
    }

  after_reload (self);
}

/* What follows a reload that landed (or failed): the next one. */
static void
after_reload (SrLazyList *self)
{
  if (self->query_pending)
    {
      self->query_pending = FALSE;
      self->full_pending = FALSE;
      g_clear_handle_id (&self->full_source, g_source_remove);
      start_reload (self, RELOAD_HEAD);
    }
  else if (self->full_pending)
    {
      if (self->full_source == 0)
        self->full_source = add_source (self->full_held ? FULL_QUERY_HOLD_MS : FULL_QUERY_DELAY_MS,
                                        G_PRIORITY_DEFAULT_IDLE,
                                        full_query_cb, self, "[sr-lazy-list] full query");
    }
  else if (self->data_pending)
    {
      self->data_pending = FALSE;
      start_reload (self, RELOAD_DATA);
    }

  update_loading (self);
}

static void
take_snapshot (SrLazyList *self,
               ReloadData *rd)
{
  guint n = g_hash_table_size (self->items);
  GHashTableIter iter;
  ItemEntry *entry;

  rd->held_rowids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n);
  rd->held_hashes = g_array_sized_new (FALSE, FALSE, sizeof (guint64), n);
  rd->held_ids = g_ptr_array_new_full (n, g_free);

  g_hash_table_iter_init (&iter, self->items);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &entry))
    {
      guint64 hash;

      /* A placeholder shows nothing stale; its block reads current data. */
      if (entry->placeholder)
        continue;

      hash = self->klass->fingerprint (entry->item);

      g_array_append_val (rd->held_rowids, entry->rowid);
      g_array_append_val (rd->held_hashes, hash);
      g_ptr_array_add (rd->held_ids, g_strdup (self->klass->get_id (entry->item)));
    }
}

static void
start_reload (SrLazyList *self,
              ReloadKind  kind)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GCancellable) cancellable = NULL;
  ReloadData *rd;

  /* A query reload reads fresh rowids but does not look for rows whose
   * content changed: a "changed" waiting for its delay still needs that. */
  if (self->changed_source != 0)
    {
      g_clear_handle_id (&self->changed_source, g_source_remove);
      if (kind != RELOAD_DATA)
        self->data_pending = TRUE;
    }

  if (self->applying)
    {
      /* Called from an items-changed handler: after this reload lands. */
      if (kind != RELOAD_DATA)
        self->query_pending = TRUE;
      else
        self->data_pending = TRUE;
      return;
    }

  if (self->inflight != NULL)
    {
      if (kind == RELOAD_DATA)
        {
          self->data_pending = TRUE;
          return;
        }

      /* A newer query makes the one in flight useless; a data reload it
       * cancels still has to happen after it. */
      if (self->inflight->kind == RELOAD_DATA)
        {
          self->data_pending = TRUE;
          self->reload_asked |= self->inflight->announced;
        }
      g_cancellable_cancel (self->inflight->cancellable);
      self->inflight->list = NULL;
      self->inflight = NULL;
    }

  rd = g_new0 (ReloadData, 1);
  rd->list = self;
  rd->klass = self->klass;
  rd->cache = g_object_ref (self->cache);
  rd->query = self->klass->query_copy (self->query);
  rd->kind = kind;
  rd->announced = kind != RELOAD_DATA || self->reload_asked;
  if (kind == RELOAD_DATA)
    self->reload_asked = FALSE;
  rd->old_rowids = g_array_ref (self->rowids);
  rd->started = g_get_monotonic_time ();
  if (kind == RELOAD_DATA)
    take_snapshot (self, rd);

  cancellable = g_cancellable_new ();
  rd->cancellable = g_object_ref (cancellable);
  /* No source object: the task may be finalized in the worker, and the
   * owner must only ever be finalized on the main thread. */
  task = g_task_new (NULL, cancellable, reload_cb, NULL);
  g_task_set_source_tag (task, start_reload);
  g_task_set_name (task, "[sr-lazy-list] reload");
  g_task_set_task_data (task, rd, reload_data_free);

  self->inflight = rd;
  g_task_run_in_thread (task, reload_thread);

  update_loading (self);
}

static gboolean
changed_timeout_cb (gpointer user_data)
{
  SrLazyList *self = user_data;

  self->changed_source = 0;
  start_reload (self, RELOAD_DATA);

  return G_SOURCE_REMOVE;
}

static void
cache_changed_cb (SrCache  *cache,
                  guint     what,
                  gpointer  user_data)
{
  SrLazyList *self = user_data;

  if ((what & self->klass->changed_flags) == 0)
    return;

  if (self->inflight != NULL || self->applying)
    self->data_pending = TRUE;
  else if (self->changed_source == 0)
    /* A short delay folds a burst of commits into one reload. */
    self->changed_source = g_timeout_add (CHANGED_DELAY_MS, changed_timeout_cb, self);
}

gboolean
sr_lazy_list_read_head (const SrLazyListClass  *klass,
                        SrCache                *cache,
                        gconstpointer           query,
                        GArray                **out_rowids,
                        GPtrArray             **out_records,
                        GCancellable           *cancellable,
                        GError                **error)
{
  g_autoptr(GArray) rowids = NULL;

  g_return_val_if_fail (klass != NULL, FALSE);
  g_return_val_if_fail (SR_IS_CACHE (cache), FALSE);
  g_return_val_if_fail (out_rowids != NULL && out_records != NULL, FALSE);

  rowids = klass->query_rowids (cache, query, HEAD_ROWS, cancellable, error);
  if (rowids == NULL)
    return FALSE;

  *out_records = read_records (klass, cache, (const gint64 *) (gpointer) rowids->data, rowids->len);
  *out_rowids = g_steal_pointer (&rowids);

  return TRUE;
}

static SrLazyList *
lazy_list_new (GListModel            *owner,
               const SrLazyListClass *klass,
               SrCache               *cache,
               gpointer               query,
               GParamSpec            *n_items_pspec,
               GParamSpec            *loading_pspec)
{
  SrLazyList *self;

  self = g_new0 (SrLazyList, 1);
  self->owner = owner;
  self->klass = klass;
  self->cache = g_object_ref (cache);
  self->query = query;
  self->n_items_pspec = n_items_pspec;
  self->loading_pspec = loading_pspec;
  self->rowids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->items = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, item_entry_free);
  self->wanted_set = g_hash_table_new (NULL, NULL);
  self->changed_handler = g_signal_connect (cache, "changed",
                                            G_CALLBACK (cache_changed_cb), self);

  /* Quietly: nobody can be connected yet. */
  self->loading = TRUE;

  return self;
}

SrLazyList *
sr_lazy_list_new (GListModel            *owner,
                  const SrLazyListClass *klass,
                  SrCache               *cache,
                  gpointer               query,
                  GParamSpec            *n_items_pspec,
                  GParamSpec            *loading_pspec)
{
  SrLazyList *self;

  g_return_val_if_fail (G_IS_LIST_MODEL (owner), NULL);
  g_return_val_if_fail (klass != NULL, NULL);
  g_return_val_if_fail (SR_IS_CACHE (cache), NULL);
  g_return_val_if_fail (query != NULL, NULL);

  self = lazy_list_new (owner, klass, cache, query, n_items_pspec, loading_pspec);
  start_reload (self, RELOAD_HEAD);

  return self;
}

SrLazyList *
sr_lazy_list_new_with_head (GListModel            *owner,
                            const SrLazyListClass *klass,
                            SrCache               *cache,
                            gpointer               query,
                            GParamSpec            *n_items_pspec,
                            GParamSpec            *loading_pspec,
                            GArray                *rowids,
                            GPtrArray             *records)
{
  SrLazyList *self;
  ReloadData *rd;

  g_return_val_if_fail (G_IS_LIST_MODEL (owner), NULL);
  g_return_val_if_fail (klass != NULL, NULL);
  g_return_val_if_fail (SR_IS_CACHE (cache), NULL);
  g_return_val_if_fail (query != NULL, NULL);
  g_return_val_if_fail (rowids != NULL && records != NULL && records->len == rowids->len, NULL);

  self = lazy_list_new (owner, klass, cache, query, n_items_pspec, loading_pspec);

  /* Lands at once as a head reload would: the first rows now, the rest
   * part by part, then the full query. */
  rd = g_new0 (ReloadData, 1);
  rd->klass = klass;
  rd->kind = RELOAD_HEAD;
  rd->old_rowids = g_array_ref (self->rowids);
  rd->new_rowids = rowids;
  rd->head_records = records;
  rd->started = rd->queried = rd->finished = g_get_monotonic_time ();
  apply_reload (self, rd);
  if (rowids->len >= HEAD_ROWS)
    {
      self->full_pending = TRUE;
      self->full_held = TRUE;
    }
  reload_data_free (rd);
  after_reload (self);

  return self;
}

void
sr_lazy_list_release_full (SrLazyList *self)
{
  g_return_if_fail (self != NULL);

  if (!self->full_held)
    return;

  self->full_held = FALSE;
  if (self->full_source != 0)
    {
      g_clear_handle_id (&self->full_source, g_source_remove);
      self->full_source = add_source (0, G_PRIORITY_DEFAULT_IDLE, full_query_cb, self,
                                      "[sr-lazy-list] full query");
    }
}

void
sr_lazy_list_free (SrLazyList *self)
{
  GList *link;

  if (self == NULL)
    return;

  if (self->inflight != NULL)
    {
      g_cancellable_cancel (self->inflight->cancellable);
      self->inflight->list = NULL;
      self->inflight = NULL;
    }
  if (self->load != NULL)
    {
      self->load->list = NULL;
      self->load = NULL;
    }
  g_queue_clear (&self->wanted);
  g_clear_pointer (&self->wanted_set, g_hash_table_unref);
  g_clear_handle_id (&self->landing_source, g_source_remove);
  g_queue_clear_full (&self->landing, landing_free);
  g_clear_handle_id (&self->grow_source, g_source_remove);
  g_clear_handle_id (&self->full_source, g_source_remove);
  g_clear_handle_id (&self->changed_source, g_source_remove);
  g_clear_signal_handler (&self->changed_handler, self->cache);

  /* Unhook from the items first: the blocks may finalize them. */
  g_clear_pointer (&self->items, g_hash_table_unref);
  while ((link = g_queue_pop_head_link (&self->blocks)) != NULL)
    block_free (link->data);

  g_clear_pointer (&self->rowids, g_array_unref);
  g_clear_pointer (&self->next, g_array_unref);
  if (self->query != NULL)
    self->klass->query_free (self->query);
  g_clear_object (&self->cache);
  g_free (self);
}

gboolean
sr_lazy_list_get_loading (SrLazyList *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->loading;
}

gconstpointer
sr_lazy_list_get_query (SrLazyList *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->query;
}

void
sr_lazy_list_set_query (SrLazyList *self,
                        gpointer    query)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (query != NULL);

  self->klass->query_free (self->query);
  self->query = query;

  /* The rest of the previous query is not wanted any more. */
  self->full_pending = FALSE;
  self->full_held = FALSE;
  g_clear_handle_id (&self->full_source, g_source_remove);
  start_reload (self, RELOAD_HEAD);
  update_loading (self);
}

void
sr_lazy_list_reload (SrLazyList *self)
{
  g_return_if_fail (self != NULL);

  /* Asked for, unlike the reloads a sync triggers: "loading" until it lands. */
  self->reload_asked = TRUE;
  start_reload (self, RELOAD_DATA);
  update_loading (self);
}

void
sr_lazy_list_wait (SrLazyList *self)
{
  g_return_if_fail (self != NULL);

  while (self->inflight != NULL || self->changed_source != 0 || self->grow_source != 0 ||
         self->data_pending || self->query_pending || self->full_pending ||
         self->load != NULL || self->landing.length > 0)
    g_main_context_iteration (NULL, TRUE);
}
