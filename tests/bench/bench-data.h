/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * bench-data.h: a large, realistic cache for the insights and export
 * benchmarks, written straight through sr_cache_upsert_messages() (no HTTP):
 * 90 days of history, a daily rhythm, campaigns in bursts, 15 destination
 * countries (some sharing +1), a dozen sender IDs, the status mix of a real
 * account (SENT and pending ones included, 0.5 % UNDELIVERED), failure
 * reasons, and texts with commas, quotes, newlines, Greek and emoji.
 *
 * The file is kept (in /tmp by default) and reused while it holds the
 * requested number of messages, since writing a million rows takes a while.
 */
#pragma once

#include <glib/gstdio.h>
#include <stdlib.h>

#include "sr-core.h"
#include "sr-cache-private.h"
#include "sr-message-private.h"

/* The history ends here (a Friday, 18:00 local time in Cyprus). */
#define BENCH_DATA_END_UTC "2026-04-10T15:00:00Z"
#define BENCH_DATA_DAYS    90
#define BENCH_DATA_BATCH   10000

typedef struct
{
  const char *prefix;
  guint       rest_digits;
  double      price;
  guint       weight;
} BenchCountry;

static const BenchCountry bench_countries[] = {
  { "+35799", 6, 0.035, 260 },
  { "+3069", 8, 0.042, 200 },
  { "+447", 9, 0.038, 110 },
  { "+49151", 8, 0.079, 80 },
  { "+336", 8, 0.069, 70 },
  { "+1212", 7, 0.0095, 60 },
  { "+1416", 7, 0.0095, 20 },
  { "+1242", 7, 0.12, 5 },
  { "+9198", 8, 0.0045, 50 },
  { "+234803", 7, 0.265, 40 },
  { "+97150", 7, 0.031, 20 },
  { "+614", 8, 0.052, 20 },
  { "+77", 9, 0.06, 10 },
  { "+38050", 7, 0.05, 10 },
  { "+999", 7, 0.05, 2 },        /* no such calling code */
};

static const char * const bench_senders[] = {
  "Bank", "CoffeeLab", "EventsCY", "GymFit", "Kafeneio", "MyShop", "SMSto", "Verify",
  "+35799000111", "Pharmacy", "Taxi24", "Cinema",
};

static const char * const bench_texts[] = {
  "Your verification code is 482913. It expires in 10 minutes.",
  "Ο κωδικός επαλήθευσης σας είναι 771204",
  "Reminder: your appointment is tomorrow at 10:30, reply \"C\" to confirm or \"R\" to reschedule.",
  "Bank alert: a payment of EUR 1,249.00 was made.\nNot you? Call +357 22 000000.",
  "Γεια σας! Η παραγγελία σας είναι έτοιμη για παραλαβή 📦",
  "Summer sale! 30% off everything this weekend only, use code SUN30. Reply STOP to opt out.",
  "Don't miss \"Jazz Night\" at the Old Port, Saturday 21:00.\nTickets: https://events.example/jazz",
};

static const char * const bench_reasons[] = {
  "Unknown Subscriber", "Absent Subscriber", "Memory Capacity Exceeded", "Call Barred",
  "System Failure", "1 - Unknown Subscriber", "Destination network rejected the message (0x0b)",
};

static guint
bench_weighted (GRand       *rand,
                const guint *weights,
                guint        n)
{
  guint total = 0, pick;

  for (guint i = 0; i < n; i++)
    total += weights[i];
  pick = (guint) g_rand_int_range (rand, 0, (gint32) total);
  for (guint i = 0; i < n; i++)
    {
      if (pick < weights[i])
        return i;
      pick -= weights[i];
    }
  return n - 1;
}

static SrMessage *
bench_make_message (GRand  *rand,
                    guint   index,
                    gint64  created_at,
                    gint64  end,
                    guint   country_weights[G_N_ELEMENTS (bench_countries)],
                    char   *campaign_id)
{
  static const SrStatus final_statuses[] = {
    SR_STATUS_DELIVERED, SR_STATUS_SENT, SR_STATUS_EXPIRED, SR_STATUS_FAILED,
    SR_STATUS_REJECTED, SR_STATUS_UNSUBSCRIBED, SR_STATUS_UNKNOWN,
  };
  static const guint final_weights[] = { 790, 70, 30, 60, 30, 15, 5 };
  SrMessage *m = sr_message_new_empty ();
  const BenchCountry *country;
  GString *to;
  guint ci;

  ci = bench_weighted (rand, country_weights, G_N_ELEMENTS (bench_countries));
  country = &bench_countries[ci];
  to = g_string_new (country->prefix);
  for (guint d = 0; d < country->rest_digits; d++)
    g_string_append_c (to, (char) ('0' + g_rand_int_range (rand, 0, 10)));

  m->id = g_strdup_printf ("%04x-%04x-%04x-%04x-%012x", index >> 16, index & 0xffff,
                           g_rand_int (rand) & 0xffff, g_rand_int (rand) & 0xffff, index);
  m->campaign_id = g_strdup (campaign_id);
  m->to = g_string_free (to, FALSE);
  m->sender_id = g_strdup (bench_senders[g_rand_int_range (rand, 0, G_N_ELEMENTS (bench_senders))]);
  m->message = g_strdup (bench_texts[g_rand_int_range (rand, 0, G_N_ELEMENTS (bench_texts))]);
  m->sms_count = g_utf8_strlen (m->message, -1) > 70 ? 2 : 1;
  m->created_at = created_at;
  m->is_api = campaign_id == NULL;

  /* The last two days still have messages in flight. */
  if (end - created_at < 2 * G_TIME_SPAN_DAY && g_rand_int_range (rand, 0, 100) < 8)
    {
      static const SrStatus pending[] = { SR_STATUS_SENDING, SR_STATUS_QUEUED, SR_STATUS_SCHEDULED, SR_STATUS_SENT };
      m->status = pending[g_rand_int_range (rand, 0, G_N_ELEMENTS (pending))];
    }
  else
    m->status = final_statuses[bench_weighted (rand, final_weights, G_N_ELEMENTS (final_weights))];

  m->status_raw = g_strdup (m->status == SR_STATUS_UNKNOWN ? "UNDELIVERED" : sr_status_to_string (m->status));
  if (m->status == SR_STATUS_FAILED || m->status == SR_STATUS_UNKNOWN)
    m->failed_reason = g_strdup (bench_reasons[g_rand_int_range (rand, 0, G_N_ELEMENTS (bench_reasons))]);
  else if (m->status == SR_STATUS_REJECTED)
    m->failed_reason = g_strdup ("Invalid Number");

  if (sr_status_is_billable (m->status))
    m->cost = country->price * m->sms_count;
  if (m->status != SR_STATUS_REJECTED && m->status != SR_STATUS_UNSUBSCRIBED &&
      m->status != SR_STATUS_SCHEDULED && m->status != SR_STATUS_QUEUED)
    m->sent_at = created_at + 2 * G_USEC_PER_SEC;
  m->updated_at = created_at + 30 * G_USEC_PER_SEC;

  return m;
}

typedef struct
{
  gint64 created_at;
  gint32 campaign;    /* -1: a single send */
} BenchSlot;

static int
bench_compare_slots (gconstpointer a,
                     gconstpointer b)
{
  const BenchSlot *sa = a, *sb = b;

  if (sa->created_at != sb->created_at)
    return sa->created_at < sb->created_at ? -1 : 1;
  return 0;
}

/* A time in [start, end), more often by day than by night (UTC+2). */
static gint64
bench_random_time (GRand  *rand,
                   gint64  start,
                   gint64  end)
{
  for (;;)
    {
      gint64 t = start + (gint64) (g_rand_double (rand) * (double) (end - start));
      gint64 hour = (t / G_TIME_SPAN_HOUR + 2) % 24;

      if ((hour >= 8 && hour < 21) || g_rand_int_range (rand, 0, 10) < 3)
        return t;
    }
}

static gboolean
bench_fill_cache (SrCache  *cache,
                  guint     n_messages,
                  GError  **error)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  g_autoptr(GDateTime) end_dt = g_date_time_new_from_iso8601 (BENCH_DATA_END_UTC, NULL);
  gint64 end = g_date_time_to_unix (end_dt) * G_USEC_PER_SEC;
  gint64 start = end - BENCH_DATA_DAYS * G_TIME_SPAN_DAY;
  guint country_weights[G_N_ELEMENTS (bench_countries)];
  g_autofree BenchSlot *slots = g_new (BenchSlot, MAX (n_messages, 1));
  guint n_in_campaigns = n_messages / 10 * 7;
  guint n_campaigns = 0;
  guint n = 0;

  for (guint i = 0; i < G_N_ELEMENTS (bench_countries); i++)
    country_weights[i] = bench_countries[i].weight;

  /* 70 % of the messages in campaigns of 200 to 5000, sent in bursts of
   * twenty a second; the rest single sends. */
  while (n < n_in_campaigns)
    {
      guint size = MIN ((guint) g_rand_int_range (rand, 200, 5000), n_in_campaigns - n);
      gint64 t = bench_random_time (rand, start, end - G_TIME_SPAN_HOUR);

      for (guint k = 0; k < size; k++, n++)
        {
          slots[n].created_at = t + k * (G_USEC_PER_SEC / 20);
          slots[n].campaign = (gint32) n_campaigns;
        }
      n_campaigns++;
    }
  for (; n < n_messages; n++)
    {
      slots[n].created_at = bench_random_time (rand, start, end);
      slots[n].campaign = -1;
    }
  qsort (slots, n_messages, sizeof (BenchSlot), bench_compare_slots);

  for (guint done = 0; done < n_messages;)
    {
      g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);

      for (guint i = 0; i < BENCH_DATA_BATCH && done < n_messages; i++, done++)
        {
          g_autofree char *campaign_id = NULL;

          if (slots[done].campaign >= 0)
            campaign_id = g_strdup_printf ("c%07d-%04x", slots[done].campaign,
                                           (guint) (slots[done].campaign * 2654435761u) & 0xffff);
          g_ptr_array_add (batch, bench_make_message (rand, done, slots[done].created_at, end,
                                                      country_weights, campaign_id));
        }

      if (!sr_cache_upsert_messages (cache, batch, NULL, NULL, NULL, error))
        return FALSE;

      if (done % 100000 == 0)
        g_printerr ("\r  %u / %u messages", done, n_messages);
    }
  g_printerr ("\n");

  return TRUE;
}

static void
bench_account_done_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  gboolean *done = user_data;

  sr_cache_update_account_finish (SR_CACHE (object), result, NULL);
  *done = TRUE;
}

/* Opens path, filling it first when it does not hold n_messages. */
static SrCache *
bench_open_cache (const char  *path,
                  guint        n_messages,
                  GError     **error)
{
  g_autoptr(SrCache) cache = NULL;
  gint64 count;

  cache = sr_cache_open (path, error);
  if (cache == NULL)
    return NULL;

  count = sr_cache_count_messages (cache, NULL, error);
  if (count < 0)
    return NULL;

  if (count != n_messages)
    {
      gint64 t0 = g_get_monotonic_time ();
      gboolean done = FALSE;

      sr_cache_close (cache);
      g_clear_object (&cache);
      for (guint i = 0; i < 3; i++)
        {
          static const char * const suffixes[] = { "", "-wal", "-shm" };
          g_autofree char *file = g_strconcat (path, suffixes[i], NULL);

          g_unlink (file);
        }

      g_printerr ("Writing %u messages to %s...\n", n_messages, path);
      cache = sr_cache_open (path, error);
      if (cache == NULL || !bench_fill_cache (cache, n_messages, error))
        return NULL;

      sr_cache_update_account_async (cache, 1250.75, "EUR", g_get_real_time (), NULL,
                                     bench_account_done_cb, &done);
      while (!done)
        g_main_context_iteration (NULL, TRUE);

      g_printerr ("Written in %.1f s\n", (g_get_monotonic_time () - t0) / 1e6);

      /* Reopen so the writer's PRAGMA optimize runs and the WAL is merged */
      sr_cache_close (cache);
      g_clear_object (&cache);
      cache = sr_cache_open (path, error);
    }

  return g_steal_pointer (&cache);
}
