/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-list-model.c: the contract of SrMessageList and SrCampaignList, in the
 * spirit of GTK's own list model tests. A real SQLite cache in a temporary
 * directory is filled with generated rows (100,000 messages by default,
 * SR_TEST_LIST_ROWS to change it); every items-changed is recorded and
 * applied to a shadow copy of the ids, and after every change the model is
 * walked and compared with the cache's own ordered query: counts, order,
 * data, identity, NULL past the end, and that the emitted ranges turn the
 * old contents into the new ones. Appends and status changes, as a sync
 * makes them, must emit small ranges, not a reset.
 */

#define G_LOG_DOMAIN "test-list-model"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sr-core.h"
#include "sr-cache-private.h"
#include "sr-campaign-private.h"
#include "sr-message-private.h"
#include "sr-test-sandbox.h"

#define DEFAULT_ROWS  100000
#define N_CAMPAIGNS   400
#define BATCH         1000
#define N_SAMPLES     24
/* Past this many added items an emission reads only a sample of them at
 * once (the ends and some random ones); the walk that follows reads all. */
#define SHADOW_FULL   2048
#define SHADOW_ENDS   512
#define HOUR_USEC     (G_USEC_PER_SEC * G_GINT64_CONSTANT (3600))

/* ---------------------------------------------------------------------- */
/* The generated account                                                  */

static struct
{
  char      *dir;
  SrCache   *cache;
  GRand     *rand;
  GPtrArray *campaign_ids;
  gint64     first_created;
  gint64     last_created;
  guint      n_messages;
  guint      next_message;
  guint      next_campaign;
  guint      n_changed;       /* "changed" emissions of the cache */
} fx;

static const char *senders[] = { "SHOP", "Clinic", "BANK", "+35799000000", "Alerts" };
static const char *prefixes[] = { "+3579", "+3069", "+4477", "+4915", "+1202" };
static const char *texts[] = {
  "Your verification code is",
  "Sale today only, everything off by",
  "Reminder: your appointment number is",
  "Parcel out for delivery, tracking",
  "Ünïcode ✓ greetings, order",
};

static SrStatus
random_status (void)
{
  int r = g_rand_int_range (fx.rand, 0, 100);

  if (r < 55) return SR_STATUS_DELIVERED;
  if (r < 70) return SR_STATUS_SENT;
  if (r < 78) return SR_STATUS_FAILED;
  if (r < 84) return SR_STATUS_EXPIRED;
  if (r < 88) return SR_STATUS_QUEUED;
  if (r < 91) return SR_STATUS_SENDING;
  if (r < 93) return SR_STATUS_SCHEDULED;
  if (r < 96) return SR_STATUS_REJECTED;
  if (r < 98) return SR_STATUS_UNSUBSCRIBED;
  return SR_STATUS_UNKNOWN;
}

static const char *
status_raw (SrStatus status)
{
  static const char *raw[SR_N_STATUSES] = {
    "WEIRD", "DELIVERED", "SENDING", "SENT", "FAILED", "EXPIRED", "QUEUED",
    "SCHEDULED", "REJECTED", "UNSUBSCRIBED",
  };

  return raw[status];
}

/* A new message created at created_at (the ids are unique and increasing). */
static SrMessage *
make_message (gint64 created_at)
{
  SrMessage *message = sr_message_new_empty ();
  guint n = fx.next_message++;

  message->id = g_strdup_printf ("msg-%08u", n);
  message->to = g_strdup_printf ("%s%07d",
                                 prefixes[g_rand_int_range (fx.rand, 0, G_N_ELEMENTS (prefixes))],
                                 g_rand_int_range (fx.rand, 0, 10000000));
  message->sender_id = g_strdup (senders[g_rand_int_range (fx.rand, 0, G_N_ELEMENTS (senders))]);
  message->message = g_strdup_printf ("%s %d",
                                      texts[g_rand_int_range (fx.rand, 0, G_N_ELEMENTS (texts))],
                                      g_rand_int_range (fx.rand, 0, 100000));
  message->status = random_status ();
  message->status_raw = g_strdup (status_raw (message->status));
  message->sms_count = g_rand_int_range (fx.rand, 1, 4);
  message->cost = message->status == SR_STATUS_REJECTED ? 0 :
                  message->sms_count * (g_rand_int_range (fx.rand, 10, 80) / 1000.);
  message->created_at = created_at;
  message->updated_at = created_at + g_rand_int_range (fx.rand, 0, 600) * G_USEC_PER_SEC;
  if (message->status != SR_STATUS_QUEUED && message->status != SR_STATUS_SCHEDULED)
    message->sent_at = created_at + g_rand_int_range (fx.rand, 1, 30) * G_USEC_PER_SEC;
  if (message->status == SR_STATUS_FAILED)
    message->failed_reason = g_strdup ("Absent subscriber");
  if (g_rand_int_range (fx.rand, 0, 10) < 3)
    message->campaign_id = g_strdup (g_ptr_array_index (fx.campaign_ids,
                                                        g_rand_int_range (fx.rand, 0, fx.campaign_ids->len)));
  message->is_api = g_rand_boolean (fx.rand);
  message->message_type = g_strdup ("sms");

  return message;
}

static SrCampaign *
make_campaign (gint64 created_at)
{
  SrCampaign *campaign = sr_campaign_new_empty ();
  guint n = fx.next_campaign++;

  campaign->id = g_strdup_printf ("camp-%06u", n);
  campaign->campaign_type = g_strdup ("sms");
  campaign->sender_id = g_strdup (senders[g_rand_int_range (fx.rand, 0, G_N_ELEMENTS (senders))]);
  campaign->message = g_strdup_printf ("%s %d",
                                       texts[g_rand_int_range (fx.rand, 0, G_N_ELEMENTS (texts))],
                                       g_rand_int_range (fx.rand, 0, 100));
  campaign->status = g_strdup (n % 7 == 0 ? "Sending" : "Completed");
  campaign->delivered_messages = g_rand_int_range (fx.rand, 0, 5000);
  campaign->failed_messages = g_rand_int_range (fx.rand, 0, 300);
  campaign->pending_messages = n % 7 == 0 ? g_rand_int_range (fx.rand, 0, 500) : 0;
  campaign->sent_messages = g_rand_int_range (fx.rand, 0, 800);
  campaign->sms_count = g_rand_int_range (fx.rand, 1, 3);
  campaign->client_total_cost = g_rand_int_range (fx.rand, 0, 50000) / 100.;
  campaign->estimated_cost = campaign->client_total_cost;
  campaign->created_at = created_at;
  campaign->updated_at = created_at;
  campaign->is_api = g_rand_int_range (fx.rand, 0, 3) == 0;

  return campaign;
}

static void
cache_changed_cb (SrCache  *cache,
                  guint     what,
                  gpointer  user_data)
{
  fx.n_changed++;
}

static void
upsert_messages (GPtrArray *messages)
{
  g_autoptr(GError) error = NULL;

  sr_cache_upsert_messages (fx.cache, messages, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
}

static void
upsert_campaigns (GPtrArray *campaigns)
{
  g_autoptr(GError) error = NULL;

  sr_cache_upsert_campaigns (fx.cache, campaigns, NULL, NULL, &error);
  g_assert_no_error (error);
}

/* Runs the main context until the cache has announced n more commits. */
static void
wait_for_changed (guint before,
                  guint n)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (fx.n_changed < before + n)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
}

static void
fixture_setup (void)
{
  g_autoptr(GPtrArray) batch = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  const char *rows = g_getenv ("SR_TEST_LIST_ROWS");
  gint64 t0 = g_get_monotonic_time ();
  gint64 created;

  fx.n_messages = rows != NULL ? (guint) g_ascii_strtoull (rows, NULL, 10) : DEFAULT_ROWS;
  fx.rand = g_rand_new_with_seed (20240611);
  fx.dir = sr_test_make_tmpdir ("sr-list-model");
  path = g_build_filename (fx.dir, "account.db", NULL);
  fx.cache = sr_cache_open (path, &error);
  g_assert_no_error (error);
  g_signal_connect (fx.cache, "changed", G_CALLBACK (cache_changed_cb), NULL);

  fx.first_created = G_GINT64_CONSTANT (1672531200) * G_USEC_PER_SEC;  /* 2023-01-01 */

  fx.campaign_ids = g_ptr_array_new_with_free_func (g_free);
  batch = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < N_CAMPAIGNS; i++)
    {
      SrCampaign *campaign = make_campaign (fx.first_created + i * 6 * HOUR_USEC);

      g_ptr_array_add (fx.campaign_ids, g_strdup (campaign->id));
      g_ptr_array_add (batch, campaign);
    }
  upsert_campaigns (batch);
  g_ptr_array_set_size (batch, 0);

  /* Every fifth message shares its created_at with the one before, so the
   * order of ties is tested too. */
  created = fx.first_created;
  for (guint i = 0; i < fx.n_messages; i++)
    {
      if (i % 5 != 4)
        created += g_rand_int_range (fx.rand, 1, 300) * G_USEC_PER_SEC;
      g_ptr_array_add (batch, make_message (created));

      if (batch->len == BATCH || i + 1 == fx.n_messages)
        {
          upsert_messages (batch);
          g_ptr_array_set_size (batch, 0);
        }
    }
  fx.last_created = created;

  /* Let the "changed" of the fill go by before any model exists. */
  while (g_main_context_iteration (NULL, FALSE))
    ;

  g_test_message ("Filled the cache with %u messages and %u campaigns in %.2f s",
                  fx.n_messages, N_CAMPAIGNS,
                  (g_get_monotonic_time () - t0) / (double) G_USEC_PER_SEC);
}

static void
fixture_teardown (void)
{
  sr_cache_close (fx.cache);
  g_clear_object (&fx.cache);
  sr_test_remove_tree (fx.dir);
  g_clear_pointer (&fx.dir, g_free);
  g_clear_pointer (&fx.campaign_ids, g_ptr_array_unref);
  g_clear_pointer (&fx.rand, g_rand_free);
}

/* ---------------------------------------------------------------------- */
/* The contract checker                                                   */

typedef struct
{
  guint position;
  guint removed;
  guint added;
} Emission;

typedef const char *(*GetIdFunc) (gpointer item);

typedef struct
{
  GListModel *model;
  GetIdFunc   get_id;
  GPtrArray  *shadow;          /* ids, in model order, as the emissions say */
  GArray     *emissions;       /* Emission, since the last reset */
  guint       count_changes;   /* emissions that changed the count */
  guint       n_items_notifies;
  guint       loading_notifies;
  guint       heads;           /* first emissions of a query checked */
} Checker;

/* sr-lazy-list.c: the rows a query change reads first, and of those the
 * rows of its first emission; the list then grows at its end. */
#define HEAD_ROWS 60
#define FIRST_ROWS 24

/* The lazy models never read the cache in get_item(): a row not read yet
 * is a placeholder until its block lands (items-changed (pos, n, n)). */
static gboolean
model_is_loaded (GListModel *model,
                 guint       position)
{
  if (SR_IS_MESSAGE_LIST (model))
    return sr_message_list_is_loaded (SR_MESSAGE_LIST (model), position);
  return sr_campaign_list_is_loaded (SR_CAMPAIGN_LIST (model), position);
}

static guint waiting_for_blocks;

static gboolean
model_get_loading (GListModel *model)
{
  if (SR_IS_MESSAGE_LIST (model))
    return sr_message_list_get_loading (SR_MESSAGE_LIST (model));
  return sr_campaign_list_get_loading (SR_CAMPAIGN_LIST (model));
}

/* The cache's first n records for the model's query, read here, inside an
 * items-changed handler (the main loop runs): allowed for the test only. */
static GPtrArray *
expected_first (GListModel *model,
                guint       n)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *first;

  sr_cache_db_allow_main_thread_reads (TRUE);
  if (SR_IS_MESSAGE_LIST (model))
    {
      SrMessageList *list = SR_MESSAGE_LIST (model);

      first = sr_cache_query_messages (fx.cache, sr_message_list_get_filter (list),
                                       sr_message_list_get_sort (list),
                                       sr_message_list_get_descending (list), n, 0, &error);
    }
  else
    {
      SrCampaignList *list = SR_CAMPAIGN_LIST (model);

      first = sr_cache_query_campaigns (fx.cache, sr_campaign_list_get_filter (list),
                                        sr_campaign_list_get_sort (list),
                                        sr_campaign_list_get_descending (list), n, 0, &error);
    }
  sr_cache_db_allow_main_thread_reads (FALSE);
  g_assert_no_error (error);

  return first;
}

/* get_item, then (holding the placeholder, so that its block is read) the
 * main loop until the real record has replaced it. Only called with no
 * reload pending. */
static gpointer
model_get_loaded (GListModel *model,
                  guint       position)
{
  g_autoptr(GObject) placeholder = g_list_model_get_item (model, position);

  if (placeholder == NULL)
    return NULL;

  waiting_for_blocks++;
  while (!model_is_loaded (model, position))
    g_main_context_iteration (NULL, TRUE);
  waiting_for_blocks--;

  return g_list_model_get_item (model, position);
}

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Checker    *checker)
{
  Emission emission = { position, removed, added };
  GPtrArray *old = checker->shadow;
  GPtrArray *shadow;
  gboolean fill = removed == added;

  g_assert_cmpuint (position + removed, <=, old->len);
  g_assert_true (removed > 0 || added > 0);
  /* The model must already be in the state this emission describes. */
  g_assert_cmpuint (old->len - removed + added, ==, g_list_model_get_n_items (model));

  /* The first rows of a query, into an empty list: already read, and the
   * first rows of the cache's own answer. */
  if (position == 0 && removed == 0 && old->len == 0 && added > 0 && model_get_loading (model))
    {
      g_autoptr(GPtrArray) first = expected_first (model, added);

      g_assert_cmpuint (added, <=, FIRST_ROWS);
      g_assert_cmpuint (first->len, >=, added);
      for (guint i = 0; i < added; i++)
        {
          g_autoptr(GObject) item = g_list_model_get_item (model, i);

          g_assert_true (model_is_loaded (model, i));
          g_assert_cmpstr (checker->get_id (item), ==, checker->get_id (g_ptr_array_index (first, i)));
        }
      checker->heads++;
    }

  /* A block read in the background replacing placeholders is no change of
   * the list: not recorded. Those are the placeholders the handler saw (the
   * shadow holds them as "not read"), or those model_get_loaded() waits for
   * (rows read before, then dropped from the model's blocks). */
  for (guint i = position; i < position + removed && fill && waiting_for_blocks == 0; i++)
    fill = g_ptr_array_index (old, i) == NULL;

  shadow = g_ptr_array_new_full (old->len - removed + added, g_free);
  /* the ids move from the old shadow to the new one; old frees NULLs */
  for (guint i = 0; i < position; i++)
    g_ptr_array_add (shadow, g_steal_pointer (&old->pdata[i]));
  for (guint i = 0; i < added; i++)
    {
      g_autoptr(GObject) item = NULL;

      /* NULL: covered by this range but not read yet; the walk fills it */
      if (added > SHADOW_FULL && i >= SHADOW_ENDS && i < added - SHADOW_ENDS &&
          g_rand_int_range (fx.rand, 0, added / 16) != 0)
        {
          g_ptr_array_add (shadow, NULL);
          continue;
        }

      item = g_list_model_get_item (model, position + i);
      g_assert_nonnull (item);
      /* a placeholder (its block not read yet): the walk fills it */
      if (!model_is_loaded (model, position + i))
        {
          g_ptr_array_add (shadow, NULL);
          continue;
        }
      g_ptr_array_add (shadow, g_strdup (checker->get_id (item)));
    }
  for (guint i = position + removed; i < old->len; i++)
    g_ptr_array_add (shadow, g_steal_pointer (&old->pdata[i]));

  g_ptr_array_unref (old);
  checker->shadow = shadow;

  if (removed != added)
    checker->count_changes++;
  if (!fill)
    g_array_append_val (checker->emissions, emission);
}

static void
notify_n_items_cb (GListModel *model,
                   GParamSpec *pspec,
                   Checker    *checker)
{
  guint n_items;

  g_object_get (model, "n-items", &n_items, NULL);
  g_assert_cmpuint (n_items, ==, g_list_model_get_n_items (model));
  checker->n_items_notifies++;
  /* After the items-changed that changed the count, never before. */
  g_assert_cmpuint (checker->n_items_notifies, ==, checker->count_changes);
}

static void
notify_loading_cb (GListModel *model,
                   GParamSpec *pspec,
                   Checker    *checker)
{
  checker->loading_notifies++;
}

static Checker *
checker_new (GListModel *model,
             GetIdFunc   get_id)
{
  Checker *checker = g_new0 (Checker, 1);

  checker->model = g_object_ref (model);
  checker->get_id = get_id;
  checker->shadow = g_ptr_array_new_with_free_func (g_free);
  checker->emissions = g_array_new (FALSE, FALSE, sizeof (Emission));

  /* A new model is empty until its first load lands. */
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 0);
  g_assert_null (model_get_loaded (model, 0));

  g_signal_connect (model, "items-changed", G_CALLBACK (items_changed_cb), checker);
  g_signal_connect (model, "notify::n-items", G_CALLBACK (notify_n_items_cb), checker);
  g_signal_connect (model, "notify::loading", G_CALLBACK (notify_loading_cb), checker);

  return checker;
}

static void
checker_free (Checker *checker)
{
  g_signal_handlers_disconnect_by_data (checker->model, checker);
  g_object_unref (checker->model);
  g_ptr_array_unref (checker->shadow);
  g_array_unref (checker->emissions);
  g_free (checker);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Checker, checker_free)

static void
checker_reset (Checker *checker)
{
  g_array_set_size (checker->emissions, 0);
}

static guint
checker_total_added (Checker *checker)
{
  guint total = 0;

  for (guint i = 0; i < checker->emissions->len; i++)
    total += g_array_index (checker->emissions, Emission, i).added;

  return total;
}

static gboolean
checker_covers (Checker *checker,
                guint    position)
{
  for (guint i = 0; i < checker->emissions->len; i++)
    {
      const Emission *e = &g_array_index (checker->emissions, Emission, i);

      if (position >= e->position && position < e->position + MAX (e->added, e->removed))
        return TRUE;
    }

  return FALSE;
}

/* The emissions of a query change since the last reset, from n_old rows:
 * every row removed, then the list grows at its end, starting with the
 * first rows (checked by items_changed_cb() as they came: already read,
 * the cache's first rows); rows refreshed in place may follow. */
static void
checker_assert_query_change (Checker *checker,
                             guint    n_old,
                             guint    heads_before)
{
  guint n = g_list_model_get_n_items (checker->model);
  guint i = 0, total = 0;

  if (n_old > 0)
    {
      const Emission *e = &g_array_index (checker->emissions, Emission, i++);

      g_assert_cmpuint (checker->emissions->len, >=, 1);
      g_assert_cmpuint (e->position, ==, 0);
      g_assert_cmpuint (e->removed, ==, n_old);
      g_assert_cmpuint (e->added, ==, 0);
    }

  for (; i < checker->emissions->len; i++)
    {
      const Emission *e = &g_array_index (checker->emissions, Emission, i);

      if (e->removed > 0 && e->removed == e->added)
        continue;   /* a row refreshed */
      g_assert_cmpuint (e->removed, ==, 0);
      g_assert_cmpuint (e->position, ==, total);
      if (total == 0)
        g_assert_cmpuint (e->added, ==, MIN (FIRST_ROWS, n));
      total += e->added;
    }
  g_assert_cmpuint (total, ==, n);
  g_assert_cmpuint (checker->heads, ==, heads_before + (n > 0 ? 1 : 0));
}

typedef gboolean (*SameDataFunc) (gpointer item,
                                  gpointer expected);

/* Walks the whole model and compares it with the expected records (the
 * cache's own ordered query), the shadow and itself. */
static void
checker_check (Checker      *checker,
               GPtrArray    *expected,
               SameDataFunc  same_data)
{
  GListModel *model = checker->model;
  guint n = g_list_model_get_n_items (model);
  g_autoptr(GPtrArray) held = g_ptr_array_new_with_free_func (g_object_unref);
  guint samples[N_SAMPLES];
  guint n_samples = 0;

  g_assert_cmpuint (n, ==, expected->len);
  g_assert_cmpuint (checker->shadow->len, ==, n);
  g_assert_cmpuint (checker->n_items_notifies, ==, checker->count_changes);

  /* Hold a few items, far apart, across the walk below. */
  if (n > 0)
    {
      samples[n_samples++] = 0;
      samples[n_samples++] = n - 1;
      samples[n_samples++] = n / 2;
      while (n_samples < N_SAMPLES)
        samples[n_samples++] = g_rand_int_range (fx.rand, 0, n);
    }
  for (guint i = 0; i < n_samples; i++)
    {
      gpointer a = model_get_loaded (model, samples[i]);
      gpointer b = model_get_loaded (model, samples[i]);

      g_assert_true (a == b);
      g_object_unref (b);
      g_ptr_array_add (held, a);
    }

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) item = model_get_loaded (model, i);
      gpointer want = g_ptr_array_index (expected, i);

      g_assert_nonnull (item);
      g_assert_true (G_TYPE_CHECK_INSTANCE_TYPE (item, g_list_model_get_item_type (model)));
      if (g_strcmp0 (checker->get_id (item), checker->get_id (want)) != 0)
        g_error ("Position %u of %u: model has %s, the cache's order %s, shadow %s",
                 i, n, checker->get_id (item), checker->get_id (want),
                 (const char *) g_ptr_array_index (checker->shadow, i) ?: "(not read)");
      /* positions no range covered kept their id; covered ones the
       * emission did not read are taken from here */
      if (g_ptr_array_index (checker->shadow, i) == NULL)
        checker->shadow->pdata[i] = g_strdup (checker->get_id (item));
      g_assert_cmpstr (g_ptr_array_index (checker->shadow, i), ==, checker->get_id (item));
      g_assert_true (same_data (item, want));
    }

  /* The walk went through far more blocks than the model keeps, yet items
   * that are held keep their identity. */
  for (guint i = 0; i < n_samples; i++)
    {
      g_autoptr(GObject) again = model_get_loaded (model, samples[i]);

      g_assert_true (again == g_ptr_array_index (held, i));
    }

  g_assert_null (model_get_loaded (model, n));
  g_assert_null (model_get_loaded (model, n + 1000));
  g_assert_null (model_get_loaded (model, G_MAXUINT));
}

/* ---------------------------------------------------------------------- */
/* Messages                                                               */

static const char *
message_id (gpointer item)
{
  return sr_message_get_id (item);
}

static gboolean
message_same_data (gpointer item,
                   gpointer expected)
{
  SrMessage *a = item;
  SrMessage *b = expected;

  return a->status == b->status &&
         g_strcmp0 (a->status_raw, b->status_raw) == 0 &&
         a->updated_at == b->updated_at &&
         a->created_at == b->created_at &&
         a->cost == b->cost &&
         g_strcmp0 (a->to, b->to) == 0;
}

static void
check_messages (Checker *checker)
{
  SrMessageList *list = SR_MESSAGE_LIST (checker->model);
  const SrMessageFilter *filter = sr_message_list_get_filter (list);
  g_autoptr(GPtrArray) expected = NULL;
  g_autoptr(GError) error = NULL;
  gint64 count;

  g_assert_false (sr_message_list_get_loading (list));

  count = sr_cache_count_messages (fx.cache, filter, &error);
  g_assert_no_error (error);
  expected = sr_cache_query_messages (fx.cache, filter,
                                      sr_message_list_get_sort (list),
                                      sr_message_list_get_descending (list),
                                      -1, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (count, ==, expected->len);

  checker_check (checker, expected, message_same_data);
}

static Checker *
new_message_checker (void)
{
  g_autoptr(SrMessageList) list = sr_message_list_new (fx.cache);
  Checker *checker = checker_new (G_LIST_MODEL (list), message_id);

  g_assert_true (sr_message_list_get_loading (list));
  g_assert_true (sr_message_list_get_cache (list) == fx.cache);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (list)) == SR_TYPE_MESSAGE);
  sr_message_list_wait (list);

  return checker;
}

static void
test_messages_initial (void)
{
  g_autoptr(Checker) checker = new_message_checker ();
  SrMessageList *list = SR_MESSAGE_LIST (checker->model);
  const Emission *e;
  gint64 t0 = g_get_monotonic_time ();

  /* Newest first by default. The first load is insertions at the end: the
   * first screenful (read with its records), the rest of the first rows
   * part by part, then everything else at once. */
  g_assert_cmpint (sr_message_list_get_sort (list), ==, SR_MESSAGE_SORT_CREATED);
  g_assert_true (sr_message_list_get_descending (list));
  g_assert_cmpuint (fx.n_messages, >, HEAD_ROWS);
  checker_assert_query_change (checker, 0, 0);
  e = &g_array_index (checker->emissions, Emission, checker->emissions->len - 1);
  g_assert_cmpuint (e->added, >, fx.n_messages / 2);   /* past the rows a view builds */
  g_assert_cmpuint (checker->loading_notifies, ==, 1);

  check_messages (checker);
  g_test_message ("Walking and checking %u messages: %.2f s", fx.n_messages,
                  (g_get_monotonic_time () - t0) / (double) G_USEC_PER_SEC);
}

static void
test_messages_sort (void)
{
  g_autoptr(Checker) checker = new_message_checker ();
  SrMessageList *list = SR_MESSAGE_LIST (checker->model);
  g_autoptr(GEnumClass) sorts = g_type_class_ref (SR_TYPE_MESSAGE_SORT);

  for (guint i = 0; i < sorts->n_values; i++)
    for (int descending = 0; descending <= 1; descending++)
      {
        SrMessageSort sort = sorts->values[i].value;
        guint loading_before = checker->loading_notifies;
        guint heads_before = checker->heads;
        guint n_old = g_list_model_get_n_items (checker->model);
        gint64 t0 = g_get_monotonic_time ();

        /* every step changes the sort (the default is created, descending) */
        checker_reset (checker);
        sr_message_list_set_sort (list, sort, descending);
        g_assert_true (sr_message_list_get_loading (list));
        sr_message_list_wait (list);
        g_assert_cmpint (sr_message_list_get_sort (list), ==, sort);
        g_assert_cmpint (sr_message_list_get_descending (list), ==, descending);
        g_test_message ("Sort %s %s: %.0f ms", sorts->values[i].value_nick,
                        descending ? "desc" : "asc",
                        (g_get_monotonic_time () - t0) / 1000.);
        g_assert_cmpuint (checker->loading_notifies, ==, loading_before + 2);
        checker_assert_query_change (checker, n_old, heads_before);
        check_messages (checker);
      }
}

static SrMessageFilter *
filter_new_statuses (guint mask)
{
  SrMessageFilter *filter = sr_message_filter_new ();

  filter->status_mask = mask;

  return filter;
}

static void
test_messages_filter (void)
{
  g_autoptr(Checker) checker = new_message_checker ();
  SrMessageList *list = SR_MESSAGE_LIST (checker->model);
  g_autoptr(GPtrArray) filters = g_ptr_array_new_with_free_func ((GDestroyNotify) sr_message_filter_free);
  gint64 span = fx.last_created - fx.first_created;
  SrMessageFilter *filter;

  g_ptr_array_add (filters, filter_new_statuses (1 << SR_STATUS_DELIVERED));
  g_ptr_array_add (filters, filter_new_statuses ((1 << SR_STATUS_FAILED) | (1 << SR_STATUS_SENT) |
                                                 (1 << SR_STATUS_UNKNOWN)));
  /* a filter that grows the previous one */
  g_ptr_array_add (filters, filter_new_statuses ((1 << SR_STATUS_FAILED) | (1 << SR_STATUS_SENT) |
                                                 (1 << SR_STATUS_UNKNOWN) | (1 << SR_STATUS_EXPIRED)));

  filter = sr_message_filter_new ();
  filter->from = fx.first_created + span / 3;
  filter->to = fx.first_created + span / 2;
  g_ptr_array_add (filters, filter);

  filter = sr_message_filter_new ();
  filter->campaign_id = g_strdup (g_ptr_array_index (fx.campaign_ids, 3));
  g_ptr_array_add (filters, filter);

  filter = sr_message_filter_new ();
  filter->search = g_strdup ("verification");
  g_ptr_array_add (filters, filter);

  filter = sr_message_filter_new ();
  filter->search = g_strdup ("+4477");
  g_ptr_array_add (filters, filter);

  filter = sr_message_filter_new ();
  filter->status_mask = (1 << SR_STATUS_DELIVERED) | (1 << SR_STATUS_SENT);
  filter->from = fx.first_created + span / 4;
  filter->search = g_strdup ("PARCEL");
  filter->sender_id = g_strdup ("SHOP");
  g_ptr_array_add (filters, filter);

  /* nothing matches */
  filter = sr_message_filter_new ();
  filter->search = g_strdup ("no such text anywhere");
  g_ptr_array_add (filters, filter);

  /* and back to everything */
  g_ptr_array_add (filters, sr_message_filter_new ());

  for (guint i = 0; i < filters->len; i++)
    {
      const SrMessageFilter *f = g_ptr_array_index (filters, i);
      guint heads_before = checker->heads;
      guint n_old = g_list_model_get_n_items (checker->model);
      gint64 t0 = g_get_monotonic_time ();

      checker_reset (checker);
      sr_message_list_set_filter (list, f);
      g_assert_true (sr_message_filter_equal (sr_message_list_get_filter (list), f));
      sr_message_list_wait (list);
      g_test_message ("Filter %u: %u rows, %u ranges, %.0f ms", i,
                      g_list_model_get_n_items (checker->model), checker->emissions->len,
                      (g_get_monotonic_time () - t0) / 1000.);
      checker_assert_query_change (checker, n_old, heads_before);
      check_messages (checker);

      /* the same filter again is no change at all */
      checker_reset (checker);
      sr_message_list_set_filter (list, f);
      sr_message_list_wait (list);
      g_assert_cmpuint (checker->emissions->len, ==, 0);
    }

  /* Filters combine with every sort. */
  filter = filter_new_statuses ((1 << SR_STATUS_FAILED) | (1 << SR_STATUS_QUEUED));
  sr_message_list_set_filter (list, filter);
  sr_message_filter_free (filter);
  sr_message_list_wait (list);
  for (SrMessageSort sort = SR_MESSAGE_SORT_CREATED; sort <= SR_MESSAGE_SORT_CAMPAIGN; sort++)
    {
      guint heads_before = checker->heads;
      guint n_old = g_list_model_get_n_items (checker->model);

      checker_reset (checker);
      sr_message_list_set_sort (list, sort, sort % 2 == 0);
      sr_message_list_wait (list);
      if (sort != SR_MESSAGE_SORT_CREATED)   /* the first is no change */
        checker_assert_query_change (checker, n_old, heads_before);
      check_messages (checker);
    }
}

/* Several changes without waiting: only the last one counts, and the ranges
 * emitted still describe the changes exactly. */
static void
test_messages_supersede (void)
{
  g_autoptr(Checker) checker = new_message_checker ();
  SrMessageList *list = SR_MESSAGE_LIST (checker->model);
  g_autoptr(SrMessageFilter) a = filter_new_statuses (1 << SR_STATUS_DELIVERED);
  g_autoptr(SrMessageFilter) b = filter_new_statuses (1 << SR_STATUS_FAILED);

  for (guint round = 0; round < 2; round++)
    {
      guint heads_before = checker->heads;
      guint n_old = g_list_model_get_n_items (checker->model);

      checker_reset (checker);
      sr_message_list_set_filter (list, a);
      sr_message_list_set_sort (list, SR_MESSAGE_SORT_COST, TRUE);
      sr_message_list_set_filter (list, b);
      sr_message_list_set_sort (list, round % 2 ? SR_MESSAGE_SORT_RECIPIENT : SR_MESSAGE_SORT_SENT, round % 2);
      g_assert_true (sr_message_list_get_loading (list));
      sr_message_list_wait (list);
      g_assert_false (sr_message_list_get_loading (list));
      /* only the last query shows: every row removed, then its rows */
      checker_assert_query_change (checker, n_old, heads_before);
      check_messages (checker);

      sr_message_list_set_filter (list, NULL);
      sr_message_list_set_sort (list, SR_MESSAGE_SORT_CREATED, TRUE);
      sr_message_list_wait (list);
      check_messages (checker);
    }
}

static void
test_messages_append (void)
{
  g_autoptr(Checker) checker = new_message_checker ();
  SrMessageList *list = SR_MESSAGE_LIST (checker->model);
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GObject) held = NULL;
  g_autoptr(GObject) again = NULL;
  const Emission *e;
  guint n, before;

  /* Ascending, as a sync appends: one insertion at the end. */
  sr_message_list_set_sort (list, SR_MESSAGE_SORT_CREATED, FALSE);
  sr_message_list_wait (list);
  check_messages (checker);
  n = g_list_model_get_n_items (checker->model);
  held = model_get_loaded (checker->model, n - 1);

  for (guint i = 0; i < 25; i++)
    g_ptr_array_add (batch, make_message (fx.last_created += G_USEC_PER_SEC));
  checker_reset (checker);
  before = fx.n_changed;
  upsert_messages (batch);
  wait_for_changed (before, 1);
  sr_message_list_wait (list);

  g_assert_cmpuint (checker->emissions->len, ==, 1);
  e = &g_array_index (checker->emissions, Emission, 0);
  g_assert_cmpuint (e->position, ==, n);
  g_assert_cmpuint (e->removed, ==, 0);
  g_assert_cmpuint (e->added, ==, 25);
  again = model_get_loaded (checker->model, n - 1);
  g_assert_true (again == held);
  check_messages (checker);

  /* Descending (the default view): one insertion at the start; items that
   * only shifted keep their objects. */
  g_clear_object (&held);
  g_clear_object (&again);
  sr_message_list_set_sort (list, SR_MESSAGE_SORT_CREATED, TRUE);
  sr_message_list_wait (list);
  check_messages (checker);
  n = g_list_model_get_n_items (checker->model);
  held = model_get_loaded (checker->model, 10);

  g_ptr_array_set_size (batch, 0);
  for (guint i = 0; i < 40; i++)
    g_ptr_array_add (batch, make_message (fx.last_created += G_USEC_PER_SEC));
  checker_reset (checker);
  before = fx.n_changed;
  upsert_messages (batch);
  wait_for_changed (before, 1);
  sr_message_list_wait (list);

  g_assert_cmpuint (checker->emissions->len, ==, 1);
  e = &g_array_index (checker->emissions, Emission, 0);
  g_assert_cmpuint (e->position, ==, 0);
  g_assert_cmpuint (e->removed, ==, 0);
  g_assert_cmpuint (e->added, ==, 40);
  g_assert_cmpuint (g_list_model_get_n_items (checker->model), ==, n + 40);
  again = model_get_loaded (checker->model, 50);
  g_assert_true (again == held);
  g_assert_false (sr_message_list_get_loading (list));
  check_messages (checker);

  /* A burst of commits folds into one reload and one range. */
  checker_reset (checker);
  before = fx.n_changed;
  for (guint round = 0; round < 8; round++)
    {
      g_ptr_array_set_size (batch, 0);
      for (guint i = 0; i < 10; i++)
        g_ptr_array_add (batch, make_message (fx.last_created += G_USEC_PER_SEC));
      upsert_messages (batch);
    }
  wait_for_changed (before, 1);
  sr_message_list_wait (list);
  g_assert_cmpuint (checker->emissions->len, >=, 1);
  g_assert_cmpuint (checker->emissions->len, <=, 2);
  g_assert_cmpuint (checker_total_added (checker), ==, 80);
  /* the stragglers of the burst, if any (the cache coalesces "changed"
   * too), change nothing */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  sr_message_list_wait (list);
  g_assert_cmpuint (checker_total_added (checker), ==, 80);
  check_messages (checker);

  /* Messages arriving inside a date-range filter: still at the start. */
  {
    g_autoptr(SrMessageFilter) filter = sr_message_filter_new ();

    filter->from = fx.last_created - 1000 * G_USEC_PER_SEC;
    sr_message_list_set_filter (list, filter);
    sr_message_list_wait (list);
    check_messages (checker);

    g_ptr_array_set_size (batch, 0);
    for (guint i = 0; i < 3; i++)
      g_ptr_array_add (batch, make_message (fx.last_created += G_USEC_PER_SEC));
    checker_reset (checker);
    before = fx.n_changed;
    upsert_messages (batch);
    wait_for_changed (before, 1);
    sr_message_list_wait (list);
    g_assert_cmpuint (checker->emissions->len, ==, 1);
    e = &g_array_index (checker->emissions, Emission, 0);
    g_assert_cmpuint (e->position, ==, 0);
    g_assert_cmpuint (e->added, ==, 3);
    check_messages (checker);
  }
}

/* An updated copy of message, as a later page of a sync brings it. */
static SrMessage *
message_with_status (SrMessage *message,
                     SrStatus   status)
{
  SrMessage *copy = sr_message_new_empty ();

  copy->id = g_strdup (message->id);
  copy->campaign_id = g_strdup (message->campaign_id);
  copy->to = g_strdup (message->to);
  copy->sender_id = g_strdup (message->sender_id);
  copy->message = g_strdup (message->message);
  copy->status = status;
  copy->status_raw = g_strdup (status_raw (status));
  copy->failed_reason = g_strdup (message->failed_reason);
  copy->message_type = g_strdup (message->message_type);
  copy->sms_count = message->sms_count;
  copy->cost = message->cost;
  copy->created_at = message->created_at;
  copy->updated_at = message->updated_at + G_USEC_PER_SEC;
  copy->sent_at = message->sent_at;
  copy->is_api = message->is_api;

  return copy;
}

static void
update_message_status (SrMessage *message,
                       SrStatus   status)
{
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
  guint before = fx.n_changed;

  g_ptr_array_add (batch, message_with_status (message, status));
  upsert_messages (batch);
  wait_for_changed (before, 1);
}

static void
test_messages_status_change (void)
{
  g_autoptr(Checker) checker = new_message_checker ();
  SrMessageList *list = SR_MESSAGE_LIST (checker->model);
  g_autoptr(SrMessage) target = NULL;
  g_autoptr(SrMessage) updated = NULL;
  g_autoptr(GObject) before_item = NULL;
  g_autoptr(GObject) after_item = NULL;
  g_autoptr(SrMessageFilter) filter = NULL;
  const Emission *e;
  guint p = 500;
  SrStatus new_status;

  /* Created order: the row stays where it is and is reported (p, 1, 1);
   * it gets a new object, its neighbours keep theirs. */
  check_messages (checker);
  target = model_get_loaded (checker->model, p);
  before_item = model_get_loaded (checker->model, p - 1);
  after_item = model_get_loaded (checker->model, p + 1);
  new_status = target->status == SR_STATUS_DELIVERED ? SR_STATUS_FAILED : SR_STATUS_DELIVERED;

  checker_reset (checker);
  update_message_status (target, new_status);
  sr_message_list_wait (list);

  g_assert_cmpuint (checker->emissions->len, ==, 1);
  e = &g_array_index (checker->emissions, Emission, 0);
  g_assert_cmpuint (e->position, ==, p);
  g_assert_cmpuint (e->removed, ==, 1);
  g_assert_cmpuint (e->added, ==, 1);
  updated = model_get_loaded (checker->model, p);
  g_assert_true (updated != target);
  g_assert_cmpstr (sr_message_get_id (updated), ==, sr_message_get_id (target));
  g_assert_cmpint (sr_message_get_status (updated), ==, new_status);
  {
    g_autoptr(GObject) b = model_get_loaded (checker->model, p - 1);
    g_autoptr(GObject) a = model_get_loaded (checker->model, p + 1);

    g_assert_true (b == before_item);
    g_assert_true (a == after_item);
  }
  check_messages (checker);

  /* A row nobody holds and that fell out of the model's blocks: no range
   * is needed, but get_item must read the new data. */
  {
    g_autoptr(SrMessageFilter) all = sr_message_filter_new ();
    g_autoptr(GPtrArray) far = sr_cache_query_messages (fx.cache, all, SR_MESSAGE_SORT_CREATED,
                                                        TRUE, 1, fx.n_messages / 2, NULL);
    SrMessage *m = g_ptr_array_index (far, 0);

    /* push the row's block out of the LRU */
    for (guint i = 0; i < g_list_model_get_n_items (checker->model); i += 97)
      g_object_unref (model_get_loaded (checker->model, i));

    checker_reset (checker);
    update_message_status (m, m->status == SR_STATUS_SENT ? SR_STATUS_EXPIRED : SR_STATUS_SENT);
    sr_message_list_wait (list);
    g_assert_cmpuint (checker_total_added (checker), <=, 1);
    check_messages (checker);
  }

  /* Sorted by status, the row moves: small ranges, no reset. */
  g_clear_object (&target);
  g_clear_object (&updated);
  sr_message_list_set_sort (list, SR_MESSAGE_SORT_STATUS, FALSE);
  sr_message_list_wait (list);
  check_messages (checker);
  p = g_list_model_get_n_items (checker->model) / 3;
  target = model_get_loaded (checker->model, p);
  new_status = target->status == SR_STATUS_UNSUBSCRIBED ? SR_STATUS_DELIVERED : SR_STATUS_UNSUBSCRIBED;

  checker_reset (checker);
  update_message_status (target, new_status);
  sr_message_list_wait (list);
  g_assert_cmpuint (checker->emissions->len, >=, 1);
  g_assert_cmpuint (checker->emissions->len, <=, 2);
  for (guint i = 0; i < checker->emissions->len; i++)
    {
      e = &g_array_index (checker->emissions, Emission, i);
      g_assert_cmpuint (e->removed + e->added, <=, 2);
    }
  check_messages (checker);

  /* Filtered by status, the row leaves the filter: one removal. */
  g_clear_object (&target);
  filter = filter_new_statuses (1 << SR_STATUS_DELIVERED);
  sr_message_list_set_filter (list, filter);
  sr_message_list_set_sort (list, SR_MESSAGE_SORT_CREATED, TRUE);
  sr_message_list_wait (list);
  check_messages (checker);
  p = 77;
  target = model_get_loaded (checker->model, p);

  checker_reset (checker);
  update_message_status (target, SR_STATUS_FAILED);
  sr_message_list_wait (list);
  g_assert_cmpuint (checker->emissions->len, ==, 1);
  e = &g_array_index (checker->emissions, Emission, 0);
  g_assert_cmpuint (e->position, ==, p);
  g_assert_cmpuint (e->removed, ==, 1);
  g_assert_cmpuint (e->added, ==, 0);
  check_messages (checker);

  /* … and comes back: one insertion. */
  checker_reset (checker);
  update_message_status (target, SR_STATUS_DELIVERED);
  sr_message_list_wait (list);
  g_assert_cmpuint (checker->emissions->len, ==, 1);
  e = &g_array_index (checker->emissions, Emission, 0);
  g_assert_cmpuint (e->position, ==, p);
  g_assert_cmpuint (e->removed, ==, 0);
  g_assert_cmpuint (e->added, ==, 1);
  check_messages (checker);

  /* A sync page that settles many rows at once and adds new ones: every
   * held row whose status changed is covered by a range. */
  {
    g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
    g_autoptr(GPtrArray) held = g_ptr_array_new_with_free_func (g_object_unref);
    guint before = fx.n_changed;

    sr_message_list_set_filter (list, NULL);
    sr_message_list_wait (list);
    check_messages (checker);

    for (guint i = 0; i < 60; i++)
      g_ptr_array_add (held, model_get_loaded (checker->model, 100 + i * 3));
    for (guint i = 0; i < held->len; i += 2)
      {
        SrMessage *m = g_ptr_array_index (held, i);

        g_ptr_array_add (batch, message_with_status (m, m->status == SR_STATUS_SENT ? SR_STATUS_DELIVERED
                                                                                    : SR_STATUS_SENT));
      }
    for (guint i = 0; i < 5; i++)
      g_ptr_array_add (batch, make_message (fx.last_created += G_USEC_PER_SEC));

    checker_reset (checker);
    upsert_messages (batch);
    wait_for_changed (before, 1);
    sr_message_list_wait (list);

    g_assert_cmpuint (checker_total_added (checker), <=, 5 + 30);
    for (guint i = 0; i < held->len; i++)
      {
        g_autoptr(GObject) now = model_get_loaded (checker->model, 100 + i * 3 + 5);

        g_assert_cmpstr (message_id (now), ==, message_id (g_ptr_array_index (held, i)));
        if (i % 2 == 0)
          {
            g_assert_true (checker_covers (checker, 100 + i * 3 + 5));
            g_assert_true (now != g_ptr_array_index (held, i));
          }
        else
          g_assert_true (now == g_ptr_array_index (held, i));
      }
    check_messages (checker);
  }
}

/* Syncs that touch rows anywhere: status changes of held and unheld rows,
 * late messages landing in the middle, under random sorts and a status
 * filter (rows leave and enter it). The shadow proves the ranges exact;
 * their size proves they are not a reset. */
static void
test_messages_random_sync (void)
{
  g_autoptr(Checker) checker = new_message_checker ();
  SrMessageList *list = SR_MESSAGE_LIST (checker->model);
  g_autoptr(GEnumClass) sorts = g_type_class_ref (SR_TYPE_MESSAGE_SORT);

  for (guint round = 0; round < 4; round++)
    {
      g_autoptr(GPtrArray) held = g_ptr_array_new_with_free_func (g_object_unref);
      g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
      g_autoptr(GHashTable) touched = g_hash_table_new (g_str_hash, g_str_equal);
      g_autoptr(SrMessageFilter) filter = sr_message_filter_new ();
      SrMessageSort sort = sorts->values[g_rand_int_range (fx.rand, 0, sorts->n_values)].value;
      gboolean descending = g_rand_boolean (fx.rand);
      guint removed = 0, added = 0, before;
      guint n;

      if (round % 2 == 1)
        filter->status_mask = (1 << SR_STATUS_DELIVERED) | (1 << SR_STATUS_SENT) | (1 << SR_STATUS_FAILED);
      sr_message_list_set_filter (list, filter);
      sr_message_list_set_sort (list, sort, descending);
      sr_message_list_wait (list);
      check_messages (checker);
      n = g_list_model_get_n_items (checker->model);

      for (guint i = 0; i < 40; i++)
        g_ptr_array_add (held, model_get_loaded (checker->model, g_rand_int_range (fx.rand, 0, n)));

      /* 10 held rows and 10 others change status, 10 late ones arrive */
      for (guint i = 0; i < 20; i++)
        {
          g_autoptr(SrMessage) m = NULL;
          SrStatus status = random_status ();

          if (i < 10)
            m = g_object_ref (g_ptr_array_index (held, i * 2));
          else
            m = model_get_loaded (checker->model, g_rand_int_range (fx.rand, 0, n));
          if (!g_hash_table_add (touched, (gpointer) sr_message_get_id (m)))
            continue;
          if (status == m->status)
            status = status == SR_STATUS_SENT ? SR_STATUS_DELIVERED : SR_STATUS_SENT;
          g_ptr_array_add (batch, message_with_status (m, status));
        }
      for (guint i = 0; i < 10; i++)
        g_ptr_array_add (batch, make_message (fx.first_created +
                                              g_rand_int_range (fx.rand, 0, 1000000) *
                                              ((fx.last_created - fx.first_created) / 1000000)));

      checker_reset (checker);
      before = fx.n_changed;
      upsert_messages (batch);
      wait_for_changed (before, 1);
      sr_message_list_wait (list);

      for (guint i = 0; i < checker->emissions->len; i++)
        {
          const Emission *e = &g_array_index (checker->emissions, Emission, i);

          removed += e->removed;
          added += e->added;
        }
      g_test_message ("Round %u (sort %s %s%s): %u ranges, %u removed, %u added", round,
                      sorts->values[sort].value_nick, descending ? "desc" : "asc",
                      filter->status_mask ? ", filtered" : "",
                      checker->emissions->len, removed, added);
      g_assert_cmpuint (removed, <=, 2 * 20);
      g_assert_cmpuint (added, <=, 2 * 20 + 10);
      check_messages (checker);

      /* held rows that did not change are the same objects, wherever
       * they are now (the shadow, complete after the check, says where) */
      {
        g_autoptr(GHashTable) positions = g_hash_table_new (g_str_hash, g_str_equal);

        for (guint i = 0; i < checker->shadow->len; i++)
          g_hash_table_insert (positions, g_ptr_array_index (checker->shadow, i), GUINT_TO_POINTER (i));

        for (guint i = 0; i < held->len; i++)
          {
            SrMessage *m = g_ptr_array_index (held, i);
            gpointer pos;
            g_autoptr(GObject) now = NULL;

            if (g_hash_table_contains (touched, sr_message_get_id (m)))
              continue;
            g_assert_true (g_hash_table_lookup_extended (positions, sr_message_get_id (m), NULL, &pos));
            now = model_get_loaded (checker->model, GPOINTER_TO_UINT (pos));
            g_assert_true (now == (GObject *) m);
          }
      }
    }
}

/* A sync lands, and before the model reloads for it the user changes the
 * filter in a way that keeps the rows where they are: the query reload
 * must not swallow the refresh of the row whose status changed. */
static void
test_messages_change_during_query (void)
{
  g_autoptr(Checker) checker = new_message_checker ();
  SrMessageList *list = SR_MESSAGE_LIST (checker->model);
  g_autoptr(SrMessageFilter) filter = sr_message_filter_new ();
  g_autoptr(SrMessage) target = NULL;
  g_autoptr(SrMessage) updated = NULL;
  const Emission *e;
  guint p = 42;
  guint n;

  check_messages (checker);
  target = model_get_loaded (checker->model, p);
  n = g_list_model_get_n_items (checker->model);

  checker_reset (checker);
  update_message_status (target, target->status == SR_STATUS_SENT ? SR_STATUS_DELIVERED : SR_STATUS_SENT);
  filter->from = fx.first_created - G_USEC_PER_SEC;  /* every row still matches */
  sr_message_list_set_filter (list, filter);
  sr_message_list_wait (list);

  /* A query change: every row removed, then the new ones inserted, the
   * first screenful first; the held row's refresh may come after. */
  g_assert_cmpuint (checker->emissions->len, >=, 3);
  e = &g_array_index (checker->emissions, Emission, 0);
  g_assert_cmpuint (e->position, ==, 0);
  g_assert_cmpuint (e->removed, ==, n);
  g_assert_cmpuint (e->added, ==, 0);
  e = &g_array_index (checker->emissions, Emission, 1);
  g_assert_cmpuint (e->position, ==, 0);
  g_assert_cmpuint (e->removed, ==, 0);
  g_assert_cmpuint (e->added, ==, FIRST_ROWS);
  updated = model_get_loaded (checker->model, p);
  g_assert_true (updated != target);
  g_assert_cmpint (updated->status, !=, target->status);
  check_messages (checker);
}

static void
test_messages_reload (void)
{
  g_autoptr(Checker) checker = new_message_checker ();
  SrMessageList *list = SR_MESSAGE_LIST (checker->model);

  guint loading_before = checker->loading_notifies;
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
  guint before;

  /* Nothing changed: no emission at all; "loading" until it lands. */
  checker_reset (checker);
  sr_message_list_reload (list);
  g_assert_true (sr_message_list_get_loading (list));
  sr_message_list_wait (list);
  g_assert_false (sr_message_list_get_loading (list));
  g_assert_cmpuint (checker->loading_notifies, ==, loading_before + 2);
  g_assert_cmpuint (checker->emissions->len, ==, 0);
  check_messages (checker);

  /* The reloads a sync triggers do not show as loading. */
  g_ptr_array_add (batch, make_message (fx.last_created += G_USEC_PER_SEC));
  before = fx.n_changed;
  loading_before = checker->loading_notifies;
  upsert_messages (batch);
  wait_for_changed (before, 1);
  sr_message_list_wait (list);
  g_assert_cmpuint (checker->loading_notifies, ==, loading_before);
  g_assert_cmpuint (checker->emissions->len, ==, 1);
  check_messages (checker);
}

/* ---------------------------------------------------------------------- */
/* Campaigns                                                              */

static const char *
campaign_id (gpointer item)
{
  return sr_campaign_get_id (item);
}

static gboolean
campaign_same_data (gpointer item,
                    gpointer expected)
{
  SrCampaign *a = item;
  SrCampaign *b = expected;

  return a->delivered_messages == b->delivered_messages &&
         a->pending_messages == b->pending_messages &&
         a->client_total_cost == b->client_total_cost &&
         g_strcmp0 (a->status, b->status) == 0 &&
         a->is_api == b->is_api;
}

static void
check_campaigns (Checker *checker)
{
  SrCampaignList *list = SR_CAMPAIGN_LIST (checker->model);
  const SrCampaignFilter *filter = sr_campaign_list_get_filter (list);
  g_autoptr(GPtrArray) expected = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_false (sr_campaign_list_get_loading (list));

  /* Every campaign in the list's order, then the filter's rules applied in
   * C: the list's SQL must give the same rows. */
  expected = sr_cache_query_campaigns (fx.cache, NULL,
                                       sr_campaign_list_get_sort (list),
                                       sr_campaign_list_get_descending (list),
                                       -1, 0, &error);
  g_assert_no_error (error);
  for (guint i = expected->len; i > 0; i--)
    {
      if (!sr_campaign_filter_matches (filter, g_ptr_array_index (expected, i - 1)))
        g_ptr_array_remove_index (expected, i - 1);
    }
  g_assert_cmpint (sr_cache_count_campaigns (fx.cache, filter, &error), ==, expected->len);
  g_assert_no_error (error);

  checker_check (checker, expected, campaign_same_data);
}

static SrCampaign *
campaign_with_counters (SrCampaign *campaign,
                        gint64      delivered,
                        gint64      pending)
{
  SrCampaign *copy = sr_campaign_new_empty ();

  copy->id = g_strdup (campaign->id);
  copy->campaign_type = g_strdup (campaign->campaign_type);
  copy->sender_id = g_strdup (campaign->sender_id);
  copy->message = g_strdup (campaign->message);
  copy->status = g_strdup (pending > 0 ? "Sending" : "Completed");
  copy->delivered_messages = delivered;
  copy->failed_messages = campaign->failed_messages;
  copy->pending_messages = pending;
  copy->sent_messages = campaign->sent_messages;
  copy->sms_count = campaign->sms_count;
  copy->client_total_cost = campaign->client_total_cost;
  copy->estimated_cost = campaign->estimated_cost;
  copy->created_at = campaign->created_at;
  copy->updated_at = campaign->updated_at + G_USEC_PER_SEC;
  copy->is_api = campaign->is_api;

  return copy;
}

static void
test_campaigns (void)
{
  g_autoptr(SrCampaignList) list = sr_campaign_list_new (fx.cache);
  g_autoptr(Checker) checker = checker_new (G_LIST_MODEL (list), campaign_id);
  g_autoptr(GEnumClass) sorts = g_type_class_ref (SR_TYPE_CAMPAIGN_SORT);
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(SrCampaign) target = NULL;
  g_autoptr(SrCampaign) updated = NULL;
  g_autoptr(GObject) neighbour = NULL;
  g_autoptr(GObject) again = NULL;
  const char *searches[] = { "code", "SHOP", "Parcel", "nothing like this", NULL };
  const Emission *e;
  guint before;

  g_assert_true (sr_campaign_list_get_loading (list));
  g_assert_true (sr_campaign_list_get_cache (list) == fx.cache);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (list)) == SR_TYPE_CAMPAIGN);
  sr_campaign_list_wait (list);
  g_assert_cmpint (sr_campaign_list_get_sort (list), ==, SR_CAMPAIGN_SORT_CREATED);
  g_assert_true (sr_campaign_list_get_descending (list));
  g_assert_nonnull (sr_campaign_list_get_filter (list));
  g_assert_cmpint (sr_campaign_list_get_filter (list)->source, ==, SR_CAMPAIGN_SOURCE_ANY);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, N_CAMPAIGNS);
  check_campaigns (checker);

  for (guint i = 0; i < sorts->n_values; i++)
    for (int descending = 0; descending <= 1; descending++)
      {
        sr_campaign_list_set_sort (list, sorts->values[i].value, descending);
        sr_campaign_list_wait (list);
        check_campaigns (checker);
      }

  for (guint i = 0; i < G_N_ELEMENTS (searches); i++)
    {
      g_autoptr(SrCampaignFilter) filter = sr_campaign_filter_new ();

      filter->search = g_strdup (searches[i]);
      sr_campaign_list_set_filter (list, filter);
      g_assert_cmpstr (sr_campaign_list_get_filter (list)->search, ==, searches[i]);
      sr_campaign_list_wait (list);
      check_campaigns (checker);
    }

  /* Every source, with and without a search and a time range: the cache
   * filters in SQL, check_campaigns() compares with the rules in C. */
  for (SrCampaignSource source = SR_CAMPAIGN_SOURCE_ANY; source <= SR_CAMPAIGN_SOURCE_API; source++)
    for (guint i = 0; i < 3; i++)
      {
        g_autoptr(SrCampaignFilter) filter = sr_campaign_filter_new ();

        filter->source = source;
        filter->search = i == 1 ? g_strdup ("code") : NULL;
        if (i == 2)
          {
            filter->from = fx.first_created + N_CAMPAIGNS / 4 * 6 * HOUR_USEC;
            filter->to = fx.first_created + N_CAMPAIGNS / 2 * 6 * HOUR_USEC;
          }
        sr_campaign_list_set_filter (list, filter);
        sr_campaign_list_wait (list);
        g_assert_true (sr_campaign_filter_equal (sr_campaign_list_get_filter (list), filter));
        check_campaigns (checker);
        if (source != SR_CAMPAIGN_SOURCE_ANY && i == 0)
          g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), >, 0);
      }
  sr_campaign_list_set_filter (list, NULL);

  /* A sync brings a new campaign: one insertion at the start (newest
   * first), and the others keep their objects. */
  sr_campaign_list_set_sort (list, SR_CAMPAIGN_SORT_CREATED, TRUE);
  sr_campaign_list_wait (list);
  check_campaigns (checker);
  neighbour = model_get_loaded (G_LIST_MODEL (list), 0);

  g_ptr_array_add (batch, make_campaign (fx.first_created + (N_CAMPAIGNS + 10) * 6 * HOUR_USEC));
  checker_reset (checker);
  before = fx.n_changed;
  upsert_campaigns (batch);
  wait_for_changed (before, 1);
  sr_campaign_list_wait (list);
  g_assert_cmpuint (checker->emissions->len, ==, 1);
  e = &g_array_index (checker->emissions, Emission, 0);
  g_assert_cmpuint (e->position, ==, 0);
  g_assert_cmpuint (e->removed, ==, 0);
  g_assert_cmpuint (e->added, ==, 1);
  again = model_get_loaded (G_LIST_MODEL (list), 1);
  g_assert_true (again == neighbour);
  check_campaigns (checker);

  /* Its counters move as its messages settle: (pos, 1, 1). */
  target = model_get_loaded (G_LIST_MODEL (list), 5);
  g_ptr_array_set_size (batch, 0);
  g_ptr_array_add (batch, campaign_with_counters (target, target->delivered_messages + 17, 0));
  checker_reset (checker);
  before = fx.n_changed;
  upsert_campaigns (batch);
  wait_for_changed (before, 1);
  sr_campaign_list_wait (list);
  g_assert_cmpuint (checker->emissions->len, ==, 1);
  e = &g_array_index (checker->emissions, Emission, 0);
  g_assert_cmpuint (e->position, ==, 5);
  g_assert_cmpuint (e->removed, ==, 1);
  g_assert_cmpuint (e->added, ==, 1);
  updated = model_get_loaded (G_LIST_MODEL (list), 5);
  g_assert_true (updated != target);
  g_assert_cmpint (sr_campaign_get_delivered_messages (updated), ==, target->delivered_messages + 17);
  check_campaigns (checker);

  /* Sorted by delivery rate the same kind of change moves it: small ranges. */
  g_clear_object (&target);
  g_clear_object (&updated);
  sr_campaign_list_set_sort (list, SR_CAMPAIGN_SORT_DELIVERY_RATE, TRUE);
  sr_campaign_list_wait (list);
  check_campaigns (checker);
  target = model_get_loaded (G_LIST_MODEL (list), 200);
  g_ptr_array_set_size (batch, 0);
  g_ptr_array_add (batch, campaign_with_counters (target, target->delivered_messages + 4000, 0));
  checker_reset (checker);
  before = fx.n_changed;
  upsert_campaigns (batch);
  wait_for_changed (before, 1);
  sr_campaign_list_wait (list);
  g_assert_cmpuint (checker->emissions->len, >=, 1);
  g_assert_cmpuint (checker->emissions->len, <=, 2);
  for (guint i = 0; i < checker->emissions->len; i++)
    {
      e = &g_array_index (checker->emissions, Emission, i);
      g_assert_cmpuint (e->removed + e->added, <=, 2);
    }
  check_campaigns (checker);

  /* Messages changing do not disturb the campaign list. */
  g_ptr_array_set_size (batch, 0);
  g_ptr_array_add (batch, make_message (fx.last_created += G_USEC_PER_SEC));
  checker_reset (checker);
  before = fx.n_changed;
  upsert_messages (batch);
  wait_for_changed (before, 1);
  sr_campaign_list_wait (list);
  g_assert_cmpuint (checker->emissions->len, ==, 0);
}

/* The Messages Log's first rows read ahead, on a thread of their own, as
 * the session reads them with the opening of the cache. */
static gpointer
read_head_thread (gpointer data)
{
  const SrMessageFilter *filter = data;
  g_autoptr(GError) error = NULL;
  SrMessageListHead *head = sr_message_list_read_head (fx.cache, filter, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (head);

  return head;
}

static SrMessageListHead *
read_head (const SrMessageFilter *filter)
{
  return g_thread_join (g_thread_new ("read-head", read_head_thread, (gpointer) filter));
}

/* A list made with its head read ahead has its first rows, read, as it is
 * made: the first frame of a launch shows them without a trip to the read
 * pool. The rest comes as after a change of query, once released or by
 * itself; a head read for another filter is dropped. */
static void
test_messages_head_ahead (void)
{
  g_autoptr(SrMessageFilter) failed = filter_new_statuses (1 << SR_STATUS_FAILED);
  g_autoptr(GPtrArray) first = NULL;
  g_autoptr(GError) error = NULL;

  for (int release = 0; release <= 1; release++)
    {
      g_autoptr(SrMessageList) list = sr_message_list_new_with_head (fx.cache, NULL, read_head (NULL));
      guint n = g_list_model_get_n_items (G_LIST_MODEL (list));

      /* No main-loop iteration yet: the rows are there, real records. */
      g_assert_cmpuint (n, ==, MIN (FIRST_ROWS, fx.n_messages));
      g_assert_true (sr_message_list_get_loading (list));
      g_clear_pointer (&first, g_ptr_array_unref);
      first = expected_first (G_LIST_MODEL (list), n);
      g_assert_cmpuint (first->len, ==, n);
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(SrMessage) item = g_list_model_get_item (G_LIST_MODEL (list), i);

          g_assert_true (sr_message_list_is_loaded (list, i));
          g_assert_cmpstr (sr_message_get_id (item), ==, sr_message_get_id (g_ptr_array_index (first, i)));
          g_assert_true (message_same_data (item, g_ptr_array_index (first, i)));
        }

      if (release)
        sr_message_list_release_rest (list);
      sr_message_list_wait (list);
      g_assert_false (sr_message_list_get_loading (list));
      g_assert_cmpint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==,
                       sr_cache_count_messages (fx.cache, NULL, &error));
      g_assert_no_error (error);
      /* a row past the head, read from its block (the oldest: the same
       * time as the cache's last, whose id a tie may change) */
      {
        g_autoptr(SrMessage) last = model_get_loaded (G_LIST_MODEL (list),
                                                      g_list_model_get_n_items (G_LIST_MODEL (list)) - 1);
        g_autoptr(GPtrArray) all = NULL;

        sr_cache_db_allow_main_thread_reads (TRUE);
        all = sr_cache_query_messages (fx.cache, NULL, SR_MESSAGE_SORT_CREATED, TRUE, -1, 0, &error);
        sr_cache_db_allow_main_thread_reads (FALSE);
        g_assert_no_error (error);
        g_assert_cmpint (sr_message_get_created_at (last), ==,
                         sr_message_get_created_at (g_ptr_array_index (all, all->len - 1)));
      }
    }

  /* Read for every message, asked for the failed ones: dropped, the list
   * loads its own (and a head read for that filter is taken). */
  {
    g_autoptr(SrMessageList) list = sr_message_list_new_with_head (fx.cache, failed, read_head (NULL));
    g_autoptr(Checker) checker = checker_new (G_LIST_MODEL (list), message_id);

    g_assert_true (sr_message_filter_equal (sr_message_list_get_filter (list), failed));
    g_assert_true (sr_message_list_get_loading (list));
    sr_message_list_wait (list);
    checker_assert_query_change (checker, 0, 0);
    check_messages (checker);
  }
  {
    g_autoptr(SrMessageList) list = sr_message_list_new_with_head (fx.cache, failed, read_head (failed));
    g_autoptr(SrMessage) item = NULL;

    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), >, 0);
    g_assert_true (sr_message_list_is_loaded (list, 0));
    item = g_list_model_get_item (G_LIST_MODEL (list), 0);
    g_assert_cmpint (sr_message_get_status (item), ==, SR_STATUS_FAILED);
    sr_message_list_wait (list);
  }
}

/* A model dropped while it loads must not crash nor leak a callback. */
static void
test_dispose_while_loading (void)
{
  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(SrMessageList) messages = sr_message_list_new (fx.cache);
      g_autoptr(SrCampaignList) campaigns = sr_campaign_list_new (fx.cache);

      sr_message_list_set_sort (messages, SR_MESSAGE_SORT_COST, i % 2);
      g_assert_true (sr_message_list_get_loading (messages));
    }

  /* Let the abandoned reloads finish and be ignored. */
  for (guint i = 0; i < 50; i++)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (10000);
    }
}

/* sr-lazy-list.c: rows a landed block announces at a time, and the rows
 * its LRU keeps alive. */
#define LANDING_ROWS  8
#define BLOCK_SIZE    256
#define MAX_LRU_ROWS  (16 * BLOCK_SIZE)

typedef struct
{
  guint first;      /* lowest position replaced */
  guint last;       /* past the highest */
  guint widest;     /* most rows in one emission */
  guint n;
  gboolean other;   /* an emission that was not a (pos, n, n) */
} Fills;

static void
fills_cb (GListModel *model,
          guint       position,
          guint       removed,
          guint       added,
          Fills      *fills)
{
  if (removed != added)
    {
      fills->other = TRUE;
      return;
    }
  fills->first = MIN (fills->first, position);
  fills->last = MAX (fills->last, position + added);
  fills->widest = MAX (fills->widest, added);
  fills->n++;
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 guint      *count)
{
  (*count)++;
}

/* A jump to the end (End, or the scrollbar dragged down): the last row is
 * a placeholder at once, with no read on this thread; when its block
 * arrives the placeholder itself is filled (notify::id), so a view keeps
 * its row widgets and binds them again: no items-changed at all. */
static void
test_messages_jump_to_end (void)
{
  g_autoptr(SrMessageList) list = sr_message_list_new (fx.cache);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) expected = NULL;
  g_autoptr(SrMessage) placeholder = NULL;
  g_autoptr(SrMessage) last = NULL;
  Fills fills = { G_MAXUINT, 0, 0, 0, FALSE };
  guint notified = 0;
  guint n;

  sr_message_list_wait (list);
  n = g_list_model_get_n_items (G_LIST_MODEL (list));
  g_assert_cmpint (n, ==, sr_cache_count_messages (fx.cache, NULL, NULL));
  g_assert_cmpuint (n, >, 4 * BLOCK_SIZE);
  g_assert_false (sr_message_list_is_loaded (list, n - 1));

  g_signal_connect (list, "items-changed", G_CALLBACK (fills_cb), &fills);
  placeholder = g_list_model_get_item (G_LIST_MODEL (list), n - 1);
  g_assert_nonnull (placeholder);
  g_assert_cmpstr (sr_message_get_id (placeholder), ==, "");
  g_signal_connect (placeholder, "notify::id", G_CALLBACK (count_notify_cb), &notified);
  g_assert_false (sr_message_list_is_loaded (list, n - 1));

  while (!sr_message_list_is_loaded (list, n - 1))
    g_main_context_iteration (NULL, TRUE);

  /* Filled in place, announced once, no row replaced. */
  g_assert_cmpuint (notified, ==, 1);
  g_assert_cmpuint (fills.n, ==, 0);
  g_assert_false (fills.other);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, n);

  last = g_list_model_get_item (G_LIST_MODEL (list), n - 1);
  g_assert_true (last == placeholder);
  expected = sr_cache_query_messages (fx.cache, NULL, SR_MESSAGE_SORT_CREATED, TRUE, 1, n - 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (expected->len, ==, 1);
  g_assert_cmpstr (sr_message_get_id (last), ==, sr_message_get_id (g_ptr_array_index (expected, 0)));
  {
    SrMessage *want = g_ptr_array_index (expected, 0);

    g_assert_cmpstr (sr_message_get_to (last), ==, sr_message_get_to (want));
    g_assert_cmpstr (sr_message_get_message (last), ==, sr_message_get_message (want));
    g_assert_cmpint (sr_message_get_status (last), ==, sr_message_get_status (want));
    g_assert_cmpint (sr_message_get_created_at (last), ==, sr_message_get_created_at (want));
    g_assert_cmpfloat (sr_message_get_cost (last), ==, sr_message_get_cost (want));
  }

  /* The rest of the block lands too, and a row next to it needs no read;
   * rows nobody held were not announced either. */
  sr_message_list_wait (list);
  g_assert_true (sr_message_list_is_loaded (list, n - 2));
  g_assert_cmpuint (fills.n, ==, 0);
  g_assert_cmpuint (notified, ==, 1);
  g_signal_handlers_disconnect_by_func (list, fills_cb, &fills);
}

/* Rows read and let go by the view stay alive only as far as the LRU
 * holds them: reading many blocks keeps memory bounded, the newest kept. */
/* A view scrolled down while the list grows: it holds the rows down to
 * VIEW_END (GTK keeps row widgets for ~200 rows around what it shows).
 * The list keeps growing in parts while the view holds its last rows, and
 * the rest lands at once only past them: no insertion builds more than a
 * part's worth of row widgets. */
#define VIEW_END  400
#define GROW_ROWS 8

typedef struct
{
  GPtrArray *held;
  GArray    *emissions;   /* Emission */
} Viewer;

static void
viewer_changed_cb (GListModel *model,
                   guint       position,
                   guint       removed,
                   guint       added,
                   Viewer     *viewer)
{
  Emission emission = { position, removed, added };

  if (removed == added)
    return;   /* a block filling placeholders in place */
  g_array_append_val (viewer->emissions, emission);
  for (guint i = position; i < MIN (position + added, VIEW_END); i++)
    g_ptr_array_add (viewer->held, g_list_model_get_item (model, i));
}

static void
test_messages_grow_past_view (void)
{
  g_autoptr(SrMessageList) list = sr_message_list_new (fx.cache);
  g_autoptr(GPtrArray) held = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GArray) emissions = g_array_new (FALSE, FALSE, sizeof (Emission));
  Viewer viewer = { held, emissions };
  const Emission *rest;
  guint n;

  g_signal_connect (list, "items-changed", G_CALLBACK (viewer_changed_cb), &viewer);
  sr_message_list_wait (list);
  n = g_list_model_get_n_items (G_LIST_MODEL (list));
  g_assert_cmpint (n, ==, sr_cache_count_messages (fx.cache, NULL, NULL));
  g_assert_cmpuint (n, >, 4 * VIEW_END);
  g_assert_cmpuint (held->len, ==, VIEW_END);

  /* The first rows, parts, and the rest past the rows the view holds. */
  g_assert_cmpuint (emissions->len, >=, 3);
  g_assert_cmpuint (g_array_index (emissions, Emission, 0).added, ==, FIRST_ROWS);
  for (guint i = 1; i + 1 < emissions->len; i++)
    g_assert_cmpuint (g_array_index (emissions, Emission, i).added, <=, GROW_ROWS);
  rest = &g_array_index (emissions, Emission, emissions->len - 1);
  g_assert_cmpuint (rest->position, >=, VIEW_END);
  g_assert_cmpuint (rest->position, <=, VIEW_END + BLOCK_SIZE);
  g_assert_cmpuint (rest->position + rest->added, ==, n);
  g_signal_handlers_disconnect_by_func (list, viewer_changed_cb, &viewer);
}

static void
test_messages_eviction_bounded (void)
{
  g_autoptr(SrMessageList) list = sr_message_list_new (fx.cache);
  SrMessage *watched[40] = { NULL, };
  guint n_blocks, alive = 0;

  sr_message_list_wait (list);
  n_blocks = MIN (G_N_ELEMENTS (watched), fx.n_messages / BLOCK_SIZE);
  g_assert_cmpuint (n_blocks * BLOCK_SIZE, >, 2 * MAX_LRU_ROWS);

  for (guint b = 0; b < n_blocks; b++)
    {
      g_autoptr(SrMessage) real = model_get_loaded (G_LIST_MODEL (list), b * BLOCK_SIZE);

      g_assert_cmpstr (sr_message_get_id (real), !=, "");
      watched[b] = real;
      g_object_add_weak_pointer (G_OBJECT (real), (gpointer *) &watched[b]);
      sr_message_list_wait (list);
    }

  for (guint b = 0; b < n_blocks; b++)
    alive += watched[b] != NULL;

  /* One watched row per block: at most as many blocks as the LRU holds. */
  g_assert_cmpuint (alive, <=, MAX_LRU_ROWS / BLOCK_SIZE);
  g_assert_nonnull (watched[n_blocks - 1]);
  g_assert_null (watched[0]);

  for (guint b = 0; b < n_blocks; b++)
    if (watched[b] != NULL)
      g_object_remove_weak_pointer (G_OBJECT (watched[b]), (gpointer *) &watched[b]);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  /* As in the UI tests: a read by the main thread while it runs the main
   * loop (inside the models' handlers and callbacks) is a critical, so the
   * models are shown to read only on workers. Read once, at the first read. */
  g_setenv ("SR_CHECK_READ_THREAD", "1", TRUE);

  fixture_setup ();

  g_test_add_func ("/list-model/messages/initial", test_messages_initial);
  g_test_add_func ("/list-model/messages/head-ahead", test_messages_head_ahead);
  g_test_add_func ("/list-model/messages/sort", test_messages_sort);
  g_test_add_func ("/list-model/messages/filter", test_messages_filter);
  g_test_add_func ("/list-model/messages/supersede", test_messages_supersede);
  g_test_add_func ("/list-model/messages/reload", test_messages_reload);
  g_test_add_func ("/list-model/messages/change-during-query", test_messages_change_during_query);
  g_test_add_func ("/list-model/messages/append", test_messages_append);
  g_test_add_func ("/list-model/messages/status-change", test_messages_status_change);
  g_test_add_func ("/list-model/messages/random-sync", test_messages_random_sync);
  g_test_add_func ("/list-model/campaigns", test_campaigns);
  g_test_add_func ("/list-model/dispose-while-loading", test_dispose_while_loading);
  g_test_add_func ("/list-model/messages/jump-to-end", test_messages_jump_to_end);
  g_test_add_func ("/list-model/messages/eviction-bounded", test_messages_eviction_bounded);
  g_test_add_func ("/list-model/messages/grow-past-view", test_messages_grow_past_view);

  ret = g_test_run ();

  fixture_teardown ();

  return ret;
}
