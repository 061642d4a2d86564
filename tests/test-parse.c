/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-parse.c: the response parser against the fixtures in tests/data/,
 * field by field, plus every kind of broken body we could think of, and the
 * SrMessage / SrCampaign objects the parser produces.
 */

#define G_LOG_DOMAIN "test-parse"

#include "config.h"

#include <glib/gi18n.h>

#include <string.h>

#include "sr-api-client.h"
#include "sr-api-parse.h"
#include "sr-api-parse-private.h"
#include "sr-campaign.h"
#include "sr-enums.h"
#include "sr-message.h"
#include "sr-status.h"

/* 2022-02-01T07:29:59Z, the example time of docs/SMSTO-API.md. */
#define T_EXAMPLE G_GINT64_CONSTANT (1643700599000000)

static GBytes *
load_fixture (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  const char *dir = g_getenv ("SR_TEST_DATA_DIR");
  gsize len = 0;

  if (dir != NULL)
    path = g_build_filename (dir, name, NULL);
  else
    path = g_test_build_filename (G_TEST_DIST, "data", name, NULL);

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);

  return g_bytes_new_take (g_steal_pointer (&contents), len);
}

static GBytes *
bytes_from_string (const char *str)
{
  return g_bytes_new (str, strlen (str));
}

static SrPage *
parse_messages_fixture (const char *name)
{
  g_autoptr(GBytes) body = load_fixture (name);
  g_autoptr(GError) error = NULL;
  SrPage *page;

  page = sr_api_parse_messages_page (body, &error);
  g_assert_no_error (error);
  g_assert_nonnull (page);
  g_assert_cmpuint (page->n_bytes, ==, g_bytes_get_size (body));

  for (guint i = 0; i < page->items->len; i++)
    g_assert_true (SR_IS_MESSAGE (g_ptr_array_index (page->items, i)));

  return page;
}

static SrPage *
parse_campaigns_fixture (const char *name)
{
  g_autoptr(GBytes) body = load_fixture (name);
  g_autoptr(GError) error = NULL;
  SrPage *page;

  page = sr_api_parse_campaigns_page (body, &error);
  g_assert_no_error (error);
  g_assert_nonnull (page);

  for (guint i = 0; i < page->items->len; i++)
    g_assert_true (SR_IS_CAMPAIGN (g_ptr_array_index (page->items, i)));

  return page;
}

static SrMessage *
message_at (SrPage *page,
            guint   i)
{
  g_assert_cmpuint (i, <, page->items->len);

  return g_ptr_array_index (page->items, i);
}

static SrCampaign *
campaign_at (SrPage *page,
             guint   i)
{
  g_assert_cmpuint (i, <, page->items->len);

  return g_ptr_array_index (page->items, i);
}

static void
assert_page_info (const SrPageInfo *info,
                  gint64            current_page,
                  gint64            last_page,
                  gint64            per_page,
                  gint64            total,
                  guint             n_skipped)
{
  g_assert_cmpint (info->current_page, ==, current_page);
  g_assert_cmpint (info->last_page, ==, last_page);
  g_assert_cmpint (info->per_page, ==, per_page);
  g_assert_cmpint (info->total, ==, total);
  g_assert_cmpuint (info->n_skipped, ==, n_skipped);
}

/* Every optional field of a message empty, as for a record made of nulls. */
static void
assert_message_empty_except_id (SrMessage  *m,
                                const char *id)
{
  g_assert_cmpstr (sr_message_get_id (m), ==, id);
  g_assert_null (sr_message_get_campaign_id (m));
  g_assert_null (sr_message_get_to (m));
  g_assert_null (sr_message_get_sender_id (m));
  g_assert_null (sr_message_get_message (m));
  g_assert_cmpint (sr_message_get_status (m), ==, SR_STATUS_UNKNOWN);
  g_assert_cmpstr (sr_message_get_status_raw (m), ==, "");
  g_assert_cmpint (sr_message_get_sms_count (m), ==, 0);
  g_assert_cmpfloat (sr_message_get_cost (m), ==, 0.0);
  g_assert_null (sr_message_get_failed_reason (m));
  g_assert_cmpint (sr_message_get_created_at (m), ==, SR_TIME_NONE);
  g_assert_cmpint (sr_message_get_updated_at (m), ==, SR_TIME_NONE);
  g_assert_cmpint (sr_message_get_sent_at (m), ==, SR_TIME_NONE);
  g_assert_cmpint (sr_message_get_scheduled_for (m), ==, SR_TIME_NONE);
  g_assert_null (sr_message_get_timezone (m));
  g_assert_false (sr_message_get_is_api (m));
  g_assert_null (sr_message_get_message_type (m));
  g_assert_null (sr_message_get_user_id (m));
  g_assert_null (sr_message_get_callback_url (m));
  g_assert_null (sr_message_get_provider (m));
  g_assert_null (sr_message_get_message_id (m));
  g_assert_null (sr_message_get_internal_failed_reason (m));
  g_assert_false (sr_message_get_optout (m));
  g_assert_false (sr_message_get_final_callback_sent (m));
}

static void
test_messages_v2 (void)
{
  g_autoptr(SrPage) page = parse_messages_fixture ("messages-v2.json");
  SrMessage *m;

  g_assert_cmpuint (page->items->len, ==, 3);
  assert_page_info (&page->info, 2, 40, 100, 3981, 0);

  m = message_at (page, 0);
  g_assert_cmpstr (sr_message_get_id (m), ==, "11ec-8330-c5a4-4d2e-a3e8-0242ac120002");
  g_assert_null (sr_message_get_campaign_id (m));
  g_assert_cmpstr (sr_message_get_to (m), ==, "+35799123456");
  g_assert_cmpstr (sr_message_get_sender_id (m), ==, "SMSto");
  g_assert_cmpstr (sr_message_get_message (m), ==, "Your code is 4821");
  g_assert_cmpint (sr_message_get_status (m), ==, SR_STATUS_DELIVERED);
  g_assert_cmpstr (sr_message_get_status_raw (m), ==, "DELIVERED");
  g_assert_cmpint (sr_message_get_sms_count (m), ==, 1);
  g_assert_cmpfloat_with_epsilon (sr_message_get_cost (m), 0.035, 1e-12);
  g_assert_null (sr_message_get_failed_reason (m));
  g_assert_cmpint (sr_message_get_created_at (m), ==, T_EXAMPLE);
  g_assert_cmpint (sr_message_get_updated_at (m), ==, G_GINT64_CONSTANT (1643700670000000));
  g_assert_cmpint (sr_message_get_sent_at (m), ==, G_GINT64_CONSTANT (1643700607000000));
  g_assert_cmpint (sr_message_get_scheduled_for (m), ==, SR_TIME_NONE);
  g_assert_null (sr_message_get_timezone (m));
  g_assert_true (sr_message_get_is_api (m));
  g_assert_cmpstr (sr_message_get_message_type (m), ==, "sms");
  g_assert_cmpstr (sr_message_get_callback_url (m), ==, "https://example.com/sms/callback");
  g_assert_cmpstr (sr_message_get_user_id (m), ==, "4f1c2b7a");
  g_assert_false (sr_message_get_optout (m));
  g_assert_cmpstr (sr_message_get_provider (m), ==, "route-7");
  g_assert_true (sr_message_get_final_callback_sent (m));
  g_assert_cmpstr (sr_message_get_message_id (m), ==, "msg-000001");
  g_assert_null (sr_message_get_internal_failed_reason (m));

  m = message_at (page, 1);
  g_assert_cmpstr (sr_message_get_id (m), ==, "11ec-8330-c5a4-4d2e-a3e8-0242ac120003");
  g_assert_cmpstr (sr_message_get_campaign_id (m), ==, "c0ffee00-1111-2222-3333-444455556666");
  g_assert_cmpstr (sr_message_get_to (m), ==, "+447700900123");
  g_assert_cmpstr (sr_message_get_sender_id (m), ==, "Shop");
  g_assert_cmpstr (sr_message_get_message (m), ==,
                   "Spring sale: 20% off everything until Sunday. Reply STOP to opt out. "
                   "Unicode: Καλημέρα ✓");
  g_assert_cmpint (sr_message_get_status (m), ==, SR_STATUS_SENT);
  g_assert_cmpstr (sr_message_get_status_raw (m), ==, "SENT");
  g_assert_cmpint (sr_message_get_sms_count (m), ==, 2);
  g_assert_cmpfloat_with_epsilon (sr_message_get_cost (m), 0.07, 1e-12);
  g_assert_cmpint (sr_message_get_created_at (m), ==, G_GINT64_CONSTANT (1647338400000000));
  g_assert_cmpint (sr_message_get_sent_at (m), ==, G_GINT64_CONSTANT (1647338400000000));
  g_assert_cmpstr (sr_message_get_timezone (m), ==, "Europe/London");
  g_assert_false (sr_message_get_is_api (m));
  g_assert_null (sr_message_get_message_type (m));
  g_assert_null (sr_message_get_provider (m));
  g_assert_false (sr_message_get_final_callback_sent (m));

  m = message_at (page, 2);
  g_assert_cmpstr (sr_message_get_id (m), ==, "11ec-8330-c5a4-4d2e-a3e8-0242ac120004");
  g_assert_cmpint (sr_message_get_status (m), ==, SR_STATUS_FAILED);
  g_assert_cmpstr (sr_message_get_failed_reason (m), ==, "1 - Unknown Subscriber");
  g_assert_cmpfloat_with_epsilon (sr_message_get_cost (m), 0.0412, 1e-12);
  g_assert_cmpint (sr_message_get_updated_at (m), ==, G_GINT64_CONSTANT (1647338550000000));
  g_assert_cmpint (sr_message_get_sent_at (m), ==, SR_TIME_NONE);
  g_assert_nonnull (sr_failure_reason_explain (sr_message_get_failed_reason (m), NULL));
}

static void
test_messages_legacy (void)
{
  g_autoptr(SrPage) page = parse_messages_fixture ("messages-legacy.json");
  SrMessage *m;

  g_assert_cmpuint (page->items->len, ==, 3);
  assert_page_info (&page->info, 1, 1, 15, 3, 0);

  /* "_id" wins over the numeric "id". */
  m = message_at (page, 0);
  g_assert_cmpstr (sr_message_get_id (m), ==, "11ec-8330-c5a4-4d2e-a3e8-0242ac120010");
  g_assert_cmpint (sr_message_get_status (m), ==, SR_STATUS_DELIVERED);
  g_assert_cmpstr (sr_message_get_status_raw (m), ==, "DELIVERED");
  g_assert_cmpint (sr_message_get_sms_count (m), ==, 1);
  g_assert_cmpfloat_with_epsilon (sr_message_get_cost (m), 0.035, 1e-12);
  g_assert_cmpint (sr_message_get_created_at (m), ==, G_GINT64_CONSTANT (1640995199000000));
  g_assert_cmpint (sr_message_get_updated_at (m), ==, G_GINT64_CONSTANT (1640995201000000));
  g_assert_cmpint (sr_message_get_sent_at (m), ==, G_GINT64_CONSTANT (1640995199000000));
  g_assert_true (sr_message_get_is_api (m));
  g_assert_false (sr_message_get_optout (m));
  g_assert_true (sr_message_get_final_callback_sent (m));

  /* An empty "_id" falls back to "id", a number turned into text. */
  m = message_at (page, 1);
  g_assert_cmpstr (sr_message_get_id (m), ==, "987655");
  g_assert_cmpint (sr_message_get_status (m), ==, SR_STATUS_REJECTED);
  g_assert_cmpint (sr_message_get_sms_count (m), ==, 3);
  g_assert_cmpfloat (sr_message_get_cost (m), ==, 0.0);
  g_assert_cmpstr (sr_message_get_failed_reason (m), ==, "Invalid Number");
  g_assert_false (sr_message_get_is_api (m));

  /* "cost" wins over "client_cost"; mixed-case status. */
  m = message_at (page, 2);
  g_assert_cmpstr (sr_message_get_id (m), ==, "987656");
  g_assert_cmpint (sr_message_get_status (m), ==, SR_STATUS_EXPIRED);
  g_assert_cmpstr (sr_message_get_status_raw (m), ==, "EXPIRED");
  g_assert_cmpfloat_with_epsilon (sr_message_get_cost (m), 0.04, 1e-12);
  g_assert_true (sr_message_get_is_api (m));
  g_assert_null (sr_message_get_sender_id (m));
}

static void
test_campaigns_page (void)
{
  g_autoptr(SrPage) page = parse_campaigns_fixture ("campaigns-page.json");
  SrCampaign *c;

  g_assert_cmpuint (page->items->len, ==, 3);
  assert_page_info (&page->info, 1, 1, 100, 3, 0);

  c = campaign_at (page, 0);
  g_assert_cmpstr (sr_campaign_get_id (c), ==, "c0ffee00-1111-2222-3333-444455556666");
  g_assert_cmpstr (sr_campaign_get_campaign_type (c), ==, "sms");
  g_assert_cmpstr (sr_campaign_get_user_id (c), ==, "4711");
  g_assert_cmpstr (sr_campaign_get_sender_id (c), ==, "Shop");
  g_assert_null (sr_campaign_get_template_id (c));
  g_assert_cmpstr (sr_campaign_get_message (c), ==, "Spring sale: 20% off everything until Sunday.");
  g_assert_cmpstr (sr_campaign_get_list_id (c), ==, "list-42");
  g_assert_cmpstr (sr_campaign_get_status (c), ==, "completed");
  g_assert_cmpfloat_with_epsilon (sr_campaign_get_client_total_cost (c), 41.25, 1e-12);
  g_assert_cmpfloat_with_epsilon (sr_campaign_get_estimated_cost (c), 42.0, 1e-12);
  g_assert_cmpint (sr_campaign_get_delivered_messages (c), ==, 900);
  g_assert_cmpint (sr_campaign_get_failed_messages (c), ==, 50);
  g_assert_cmpint (sr_campaign_get_pending_messages (c), ==, 0);
  g_assert_cmpint (sr_campaign_get_sent_messages (c), ==, 50);
  g_assert_cmpint (sr_campaign_get_sms_count (c), ==, 2);
  g_assert_false (sr_campaign_get_bypass_optout (c));
  g_assert_null (sr_campaign_get_callback_url (c));
  g_assert_cmpint (sr_campaign_get_scheduled_for (c), ==, SR_TIME_NONE);
  g_assert_cmpstr (sr_campaign_get_timezone (c), ==, "Europe/Nicosia");
  g_assert_cmpint (sr_campaign_get_created_at (c), ==, G_GINT64_CONSTANT (1647338400000000));
  g_assert_cmpint (sr_campaign_get_updated_at (c), ==, G_GINT64_CONSTANT (1647345600000000));
  g_assert_cmpint (sr_campaign_get_canceled_at (c), ==, SR_TIME_NONE);
  g_assert_false (sr_campaign_get_is_api (c));
  g_assert_cmpint (sr_campaign_get_recipients (c), ==, 1000);
  g_assert_cmpfloat_with_epsilon (sr_campaign_get_delivery_rate (c), 0.9, 1e-12);

  /* Numbers as strings, still running. */
  c = campaign_at (page, 1);
  g_assert_cmpstr (sr_campaign_get_id (c), ==, "c0ffee00-aaaa-bbbb-cccc-ddddeeeeffff");
  g_assert_cmpstr (sr_campaign_get_user_id (c), ==, "4711");
  g_assert_cmpstr (sr_campaign_get_template_id (c), ==, "tpl-9");
  g_assert_null (sr_campaign_get_list_id (c));
  g_assert_cmpstr (sr_campaign_get_status (c), ==, "ONGOING");
  g_assert_cmpfloat_with_epsilon (sr_campaign_get_client_total_cost (c), 3.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (sr_campaign_get_estimated_cost (c), 10.0, 1e-12);
  g_assert_cmpint (sr_campaign_get_delivered_messages (c), ==, 10);
  g_assert_cmpint (sr_campaign_get_pending_messages (c), ==, 90);
  g_assert_cmpint (sr_campaign_get_sms_count (c), ==, 1);
  g_assert_true (sr_campaign_get_bypass_optout (c));
  g_assert_cmpstr (sr_campaign_get_callback_url (c), ==, "https://example.com/cb");
  g_assert_cmpint (sr_campaign_get_scheduled_for (c), ==, G_GINT64_CONSTANT (1641988800000000));
  g_assert_cmpint (sr_campaign_get_canceled_at (c), ==, G_GINT64_CONSTANT (1641988800000000));
  g_assert_cmpint (sr_campaign_get_created_at (c), ==, G_GINT64_CONSTANT (1641805200000000));
  g_assert_true (sr_campaign_get_is_api (c));
  g_assert_cmpint (sr_campaign_get_recipients (c), ==, 100);
  /* 10 delivered of the 10 that are settled. */
  g_assert_cmpfloat_with_epsilon (sr_campaign_get_delivery_rate (c), 1.0, 1e-12);

  /* Numeric id, nothing sent yet. */
  c = campaign_at (page, 2);
  g_assert_cmpstr (sr_campaign_get_id (c), ==, "77");
  g_assert_cmpstr (sr_campaign_get_status (c), ==, "scheduled");
  g_assert_null (sr_campaign_get_sender_id (c));
  g_assert_cmpint (sr_campaign_get_recipients (c), ==, 0);
  g_assert_cmpfloat (sr_campaign_get_delivery_rate (c), ==, -1.0);
  g_assert_cmpint (sr_campaign_get_created_at (c), ==, G_GINT64_CONSTANT (1643673600000000));
}

static void
test_message_single (void)
{
  g_autoptr(GBytes) body = load_fixture ("message-single.json");
  g_autoptr(GBytes) wrapped = load_fixture ("message-wrapped.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(SrMessage) m = NULL;
  g_autoptr(SrMessage) w = NULL;

  m = sr_api_parse_message (body, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sr_message_get_id (m), ==, "11ec-8330-c5a4-4d2e-a3e8-0242ac120099");
  g_assert_cmpint (sr_message_get_status (m), ==, SR_STATUS_QUEUED);
  g_assert_cmpstr (sr_message_get_to (m), ==, "+35799123456");
  g_assert_cmpstr (sr_message_get_message (m), ==, "Hello");
  g_assert_cmpint (sr_message_get_created_at (m), ==, G_GINT64_CONSTANT (1709210096000000));
  g_assert_cmpfloat_with_epsilon (sr_message_get_cost (m), 0.035, 1e-12);
  g_assert_true (sr_message_get_is_api (m));

  w = sr_api_parse_message (wrapped, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sr_message_get_id (w), ==, "wrapped-1");
  g_assert_cmpint (sr_message_get_status (w), ==, SR_STATUS_SCHEDULED);
  g_assert_cmpint (sr_message_get_scheduled_for (w), ==, G_GINT64_CONSTANT (1709210096000000));
  g_assert_cmpfloat (sr_message_get_cost (w), ==, 0.0);

  /* A list page given to the single-record parser yields its first record. */
  {
    g_autoptr(GBytes) list = load_fixture ("messages-v2.json");
    g_autoptr(SrMessage) first = sr_api_parse_message (list, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (sr_message_get_id (first), ==, "11ec-8330-c5a4-4d2e-a3e8-0242ac120002");
  }
}

static void
test_campaign_single (void)
{
  g_autoptr(GBytes) body = load_fixture ("campaign-single.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(SrCampaign) c = NULL;

  c = sr_api_parse_campaign (body, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sr_campaign_get_id (c), ==, "c0ffee00-1111-2222-3333-444455556666");
  g_assert_cmpstr (sr_campaign_get_user_id (c), ==, "4711");
  g_assert_cmpint (sr_campaign_get_recipients (c), ==, 1000);
  g_assert_cmpint (sr_campaign_get_pending_messages (c), ==, 20);
  g_assert_cmpfloat_with_epsilon (sr_campaign_get_delivery_rate (c), 900.0 / 980.0, 1e-12);
  g_assert_true (sr_campaign_get_bypass_optout (c));
  g_assert_true (sr_campaign_get_is_api (c));
  g_assert_cmpfloat_with_epsilon (sr_campaign_get_estimated_cost (c), 42.0, 1e-12);
}

static void
test_balance (void)
{
  static const struct
  {
    const char *fixture;
    gboolean    ok;
    double      balance;
    const char *currency;
    int         code;
    const char *message;
  } cases[] = {
    { "balance-ok.json", TRUE, 12.34, "EUR", 0, NULL },
    { "balance-string.json", TRUE, 150.5, "USD", 0, NULL },
    { "balance-error.json", FALSE, 0, NULL, SR_API_ERROR_UNAUTHORIZED, "Unauthenticated." },
    { "error-401.json", FALSE, 0, NULL, SR_API_ERROR_UNAUTHORIZED, "Invalid API Key or Token" },
    { "broken-html.html", FALSE, 0, NULL, SR_API_ERROR_BAD_RESPONSE, "web page" },
    { "broken-empty.json", FALSE, 0, NULL, SR_API_ERROR_BAD_RESPONSE, "empty" },
    { "broken-truncated.json", FALSE, 0, NULL, SR_API_ERROR_BAD_RESPONSE, "not valid JSON" },
    { "broken-root-string.json", FALSE, 0, NULL, SR_API_ERROR_BAD_RESPONSE, "not a record" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) body = load_fixture (cases[i].fixture);
      g_autoptr(GError) error = NULL;
      g_autofree char *currency = NULL;
      double balance = -1;
      gboolean ok;

      g_test_message ("%s", cases[i].fixture);
      ok = sr_api_parse_balance (body, &balance, &currency, &error);

      if (cases[i].ok)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
          g_assert_cmpfloat_with_epsilon (balance, cases[i].balance, 1e-12);
          g_assert_cmpstr (currency, ==, cases[i].currency);
        }
      else
        {
          g_assert_error (error, SR_API_ERROR, cases[i].code);
          g_assert_false (ok);
          g_assert_null (currency);
          g_assert_nonnull (strstr (error->message, cases[i].message));
        }
    }

  /* Without any message, and with a balance that is no number. */
  {
    g_autoptr(GBytes) empty_object = bytes_from_string ("{}");
    g_autoptr(GBytes) bad_type = bytes_from_string ("{\"balance\": {\"amount\": 1}}");
    g_autoptr(GBytes) no_currency = bytes_from_string ("{\"balance\": 0}");
    g_autoptr(GError) error = NULL;
    g_autofree char *currency = NULL;
    double balance = -1;

    g_assert_false (sr_api_parse_balance (empty_object, &balance, &currency, &error));
    g_assert_error (error, SR_API_ERROR, SR_API_ERROR_UNAUTHORIZED);
    g_assert_cmpstr (error->message, ==, "The API key was not accepted.");
    g_clear_error (&error);

    g_assert_false (sr_api_parse_balance (bad_type, &balance, &currency, &error));
    g_assert_error (error, SR_API_ERROR, SR_API_ERROR_BAD_RESPONSE);
    g_clear_error (&error);

    g_assert_true (sr_api_parse_balance (no_currency, &balance, &currency, &error));
    g_assert_no_error (error);
    g_assert_cmpfloat (balance, ==, 0.0);
    g_assert_null (currency);

    /* Output pointers are optional. */
    g_assert_true (sr_api_parse_balance (no_currency, NULL, NULL, NULL));
  }
}

static void
test_error_message (void)
{
  static const struct
  {
    const char *body;
    const char *message;
  } cases[] = {
    { "{\"success\": false, \"message\": \"Invalid API Key or Token\", \"data\": []}", "Invalid API Key or Token" },
    { "{\"message\": \"  Error 429 - Too many requests \\n\"}", "Error 429 - Too many requests" },
    { "{\"error\": {\"message\": \"nested\", \"code\": 7}}", "nested" },
    { "{\"error\": \"flat\"}", "flat" },
    { "{\"message\": \"   \"}", NULL },
    { "{\"message\": 42}", NULL },
    { "{\"message\": null}", NULL },
    { "{\"balance\": 1}", NULL },
    { "[\"message\"]", NULL },
    { "<html><title>Oops</title></html>", NULL },
    { "{\"message\": \"trunc", NULL },
    { "", NULL },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) body = bytes_from_string (cases[i].body);
      g_autofree char *message = sr_api_parse_error_message (body);

      g_test_message ("%s", cases[i].body);
      g_assert_cmpstr (message, ==, cases[i].message);
    }

  g_assert_null (sr_api_parse_error_message (NULL));

  {
    g_autoptr(GBytes) body = load_fixture ("error-429.json");
    g_autofree char *message = sr_api_parse_error_message (body);

    g_assert_cmpstr (message, ==, "Error 429 - Too many requests, slow down.");
  }
}

static void
test_messages_unknown (void)
{
  g_autoptr(SrPage) page = parse_messages_fixture ("messages-unknown.json");
  g_autofree char *label = NULL;
  g_autofree char *style = NULL;
  SrMessage *m;

  g_assert_cmpuint (page->items->len, ==, 4);
  assert_page_info (&page->info, 1, -1, 100, 4, 0);

  m = message_at (page, 0);
  g_assert_cmpstr (sr_message_get_id (m), ==, "u-1");
  g_assert_cmpint (sr_message_get_status (m), ==, SR_STATUS_UNKNOWN);
  g_assert_cmpstr (sr_message_get_status_raw (m), ==, "UNDELIVERED");
  g_assert_cmpint (sr_message_get_created_at (m), ==, T_EXAMPLE);
  g_assert_cmpfloat_with_epsilon (sr_message_get_cost (m), 0.035, 1e-12);
  /* Unknown statuses are shown as they came, in the "other" style. */
  g_object_get (m, "status-label", &label, "status-style", &style, NULL);
  g_assert_cmpstr (label, ==, "UNDELIVERED");
  g_assert_cmpstr (style, ==, "other");

  m = message_at (page, 1);
  g_assert_cmpint (sr_message_get_status (m), ==, SR_STATUS_UNKNOWN);
  g_assert_cmpstr (sr_message_get_status_raw (m), ==, "PENDING");

  m = message_at (page, 2);
  g_assert_cmpint (sr_message_get_status (m), ==, SR_STATUS_UNSUBSCRIBED);
  g_assert_cmpstr (sr_message_get_status_raw (m), ==, "UNSUBSCRIBED");

  /* A status that is not even a string is kept as text. */
  m = message_at (page, 3);
  g_assert_cmpint (sr_message_get_status (m), ==, SR_STATUS_UNKNOWN);
  g_assert_cmpstr (sr_message_get_status_raw (m), ==, "7");
}

static void
test_messages_nulls (void)
{
  g_autoptr(SrPage) page = parse_messages_fixture ("messages-nulls.json");
  SrMessage *m;

  g_assert_cmpuint (page->items->len, ==, 3);
  assert_page_info (&page->info, -1, -1, -1, -1, 0);

  assert_message_empty_except_id (message_at (page, 0), "n-1");
  assert_message_empty_except_id (message_at (page, 1), "n-2");

  /* Empty strings count as missing; a null cost falls back to client_cost. */
  m = message_at (page, 2);
  g_assert_cmpstr (sr_message_get_id (m), ==, "n-3");
  g_assert_null (sr_message_get_campaign_id (m));
  g_assert_null (sr_message_get_to (m));
  g_assert_null (sr_message_get_failed_reason (m));
  g_assert_cmpstr (sr_message_get_status_raw (m), ==, "");
  g_assert_cmpint (sr_message_get_status (m), ==, SR_STATUS_UNKNOWN);
  g_assert_cmpfloat_with_epsilon (sr_message_get_cost (m), 0.05, 1e-12);
}

static void
test_messages_no_id (void)
{
  g_autoptr(SrPage) page = parse_messages_fixture ("messages-no-id.json");

  g_assert_cmpuint (page->items->len, ==, 3);
  assert_page_info (&page->info, 3, 3, 15, 33, 12);

  g_assert_cmpstr (sr_message_get_id (message_at (page, 0)), ==, "keep-1");
  g_assert_cmpint (sr_message_get_status (message_at (page, 0)), ==, SR_STATUS_DELIVERED);
  g_assert_cmpstr (sr_message_get_id (message_at (page, 1)), ==, "keep-2");
  g_assert_cmpint (sr_message_get_status (message_at (page, 1)), ==, SR_STATUS_FAILED);
  /* 0 is a valid id. */
  g_assert_cmpstr (sr_message_get_id (message_at (page, 2)), ==, "0");
  g_assert_cmpint (sr_message_get_status (message_at (page, 2)), ==, SR_STATUS_QUEUED);
}

static void
test_messages_strings (void)
{
  g_autoptr(SrPage) page = parse_messages_fixture ("messages-strings.json");
  SrMessage *m;

  g_assert_cmpuint (page->items->len, ==, 5);
  assert_page_info (&page->info, 2, 5, 100, 480, 0);

  m = message_at (page, 0);
  g_assert_cmpstr (sr_message_get_id (m), ==, "123456789012");
  g_assert_cmpstr (sr_message_get_campaign_id (m), ==, "55");
  g_assert_cmpstr (sr_message_get_to (m), ==, "35799123456");
  g_assert_cmpstr (sr_message_get_sender_id (m), ==, "12345");
  g_assert_cmpint (sr_message_get_status (m), ==, SR_STATUS_SENT);
  g_assert_cmpint (sr_message_get_sms_count (m), ==, 2);
  g_assert_cmpfloat_with_epsilon (sr_message_get_cost (m), 0.035, 1e-12);
  g_assert_true (sr_message_get_is_api (m));
  g_assert_false (sr_message_get_optout (m));
  g_assert_true (sr_message_get_final_callback_sent (m));

  m = message_at (page, 1);
  g_assert_cmpstr (sr_message_get_id (m), ==, "s-2");
  g_assert_cmpint (sr_message_get_sms_count (m), ==, 2);
  g_assert_cmpfloat_with_epsilon (sr_message_get_cost (m), 0.01, 1e-12);
  g_assert_false (sr_message_get_is_api (m));
  g_assert_true (sr_message_get_optout (m));
  g_assert_false (sr_message_get_final_callback_sent (m));

  /* An unreadable cost falls back to client_cost; true counts as 1. */
  m = message_at (page, 2);
  g_assert_cmpint (sr_message_get_sms_count (m), ==, 1);
  g_assert_cmpfloat_with_epsilon (sr_message_get_cost (m), 0.5, 1e-12);
  g_assert_true (sr_message_get_is_api (m));
  g_assert_true (sr_message_get_optout (m));
  g_assert_false (sr_message_get_final_callback_sent (m));

  /* Nonsense becomes a neutral value, never garbage. */
  m = message_at (page, 3);
  g_assert_cmpint (sr_message_get_sms_count (m), ==, 0);
  g_assert_cmpfloat (sr_message_get_cost (m), ==, 0.0);
  g_assert_false (sr_message_get_is_api (m));
  g_assert_cmpstr (sr_message_get_user_id (m), ==, "12.5");

  m = message_at (page, 4);
  g_assert_cmpstr (sr_message_get_id (m), ==, "7");
  /* a huge part count is clamped to the most a message can have */
  g_assert_cmpint (sr_message_get_sms_count (m), ==, 1000);
  g_assert_cmpfloat (sr_message_get_cost (m), ==, 0.0);
}

static void
test_messages_dates (void)
{
  static const struct
  {
    const char *id;
    gint64      created_at;
  } expected[] = {
    { "d-iso-fraction-z", T_EXAMPLE },
    { "d-iso-z", T_EXAMPLE },
    { "d-iso-lower-z", T_EXAMPLE },
    { "d-iso-no-zone", T_EXAMPLE },
    { "d-space", T_EXAMPLE },
    { "d-space-fraction", T_EXAMPLE + 250000 },
    { "d-offset-colon", T_EXAMPLE },
    { "d-offset-basic", T_EXAMPLE + 500000 },
    { "d-offset-hours", T_EXAMPLE },
    { "d-nanoseconds", T_EXAMPLE + 123456 },
    { "d-millis", T_EXAMPLE + 123000 },
    { "d-no-seconds", T_EXAMPLE - 59 * G_USEC_PER_SEC },
    { "d-date-only", G_GINT64_CONSTANT (1643673600000000) },
    { "d-basic", T_EXAMPLE },
    { "d-utc-suffix", T_EXAMPLE },
    { "d-padded", T_EXAMPLE },
    { "d-leap-day", G_GINT64_CONSTANT (1709210096000000) },
    { "d-pre-epoch", -G_USEC_PER_SEC },
    { "d-unix-seconds", T_EXAMPLE },
    { "d-unix-millis", T_EXAMPLE + 123000 },
    { "d-zero-date", SR_TIME_NONE },
    { "d-feb-30", SR_TIME_NONE },
    { "d-hour-25", SR_TIME_NONE },
    { "d-words", SR_TIME_NONE },
    { "d-empty", SR_TIME_NONE },
    { "d-trailing-junk", SR_TIME_NONE },
    { "d-bad-offset", SR_TIME_NONE },
    { "d-object", SR_TIME_NONE },
    { "d-bool", SR_TIME_NONE },
    { "d-null", SR_TIME_NONE },
  };
  g_autoptr(SrPage) page = parse_messages_fixture ("messages-dates.json");

  g_assert_cmpuint (page->items->len, ==, G_N_ELEMENTS (expected));
  assert_page_info (&page->info, -1, -1, -1, -1, 0);

  for (gsize i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      SrMessage *m = message_at (page, i);

      g_test_message ("%s", expected[i].id);
      g_assert_cmpstr (sr_message_get_id (m), ==, expected[i].id);
      g_assert_cmpint (sr_message_get_created_at (m), ==, expected[i].created_at);
    }
}

static void
test_messages_surrogates (void)
{
  g_autoptr(SrPage) page = parse_messages_fixture ("messages-surrogates.json");
  SrMessage *m = message_at (page, 0);

  /* A lone surrogate escape becomes U+FFFD instead of invalid UTF-8, and
   * does not swallow the character after it; a proper pair is an emoji. */
  g_assert_cmpstr (sr_message_get_message (m), ==,
                   "lone \xef\xbf\xbd low, pair \xf0\x9f\x98\x80 ok");
  g_assert_cmpstr (sr_message_get_status_raw (m), ==, "SENT\xef\xbf\xbd");
  g_assert_cmpint (sr_message_get_status (m), ==, SR_STATUS_UNKNOWN);
}

static void
test_escapes (void)
{
  static const struct
  {
    const char *json_text;   /* the inside of a JSON string */
    const char *expected;    /* NULL: the body is rejected */
  } cases[] = {
    /* PHP's json_encode() escapes all non-ASCII text like this. */
    { "\\u039a\\u03b1\\u03bb\\u03b7", "\xce\x9a\xce\xb1\xce\xbb\xce\xb7" },
    { "\\uD83D\\uDE00", "\xf0\x9f\x98\x80" },
    { "\\ude00\\ud83d", "\xef\xbf\xbd\xef\xbf\xbd" },
    { "\\ud83d\\u0041", "\xef\xbf\xbd" "A" },
    { "a\\\"b\\\\c\\/d\\te", "a\"b\\c/d\te" },
    /* Escapes JSON does not have. */
    { "\\377", NULL },
    { "\\x41", NULL },
    { "\\q", NULL },
    { "\\u12", NULL },
    { "\\uzzzz", NULL },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"data\": [{\"id\": \"e\", \"message\": \"%s\"}]}",
                                               cases[i].json_text);
      g_autoptr(GBytes) body = bytes_from_string (json);
      g_autoptr(GError) error = NULL;
      g_autoptr(SrPage) page = NULL;

      g_test_message ("%s", json);
      page = sr_api_parse_messages_page (body, &error);

      if (cases[i].expected != NULL)
        {
          g_assert_no_error (error);
          g_assert_cmpstr (sr_message_get_message (message_at (page, 0)), ==, cases[i].expected);
        }
      else
        {
          g_assert_error (error, SR_API_ERROR, SR_API_ERROR_BAD_RESPONSE);
          g_assert_nonnull (strstr (error->message, "bad escape sequence at line 1, column 35"));
        }
    }
}

static void
test_envelope_types (void)
{
  g_autoptr(SrPage) page = parse_messages_fixture ("broken-envelope-types.json");

  /* Only "data" is essential: wrongly typed envelope fields are unknown. */
  g_assert_cmpuint (page->items->len, ==, 1);
  assert_page_info (&page->info, -1, -1, -1, -1, 0);
  g_assert_cmpstr (sr_message_get_id (message_at (page, 0)), ==, "e-1");
}

static void
test_envelope_variants (void)
{
  static const struct
  {
    const char *body;
    gint64      current_page;
    gint64      total;
  } cases[] = {
    { "[{\"id\": \"bare\"}]", -1, -1 },
    { "{\"data\": [], \"meta\": {\"current_page\": 4, \"total\": 61}}", 4, 61 },
    { "{\"data\": [], \"current_page\": 2, \"meta\": {\"current_page\": 4}}", 2, -1 },
    { "{\"data\": [], \"current_page\": -3, \"total\": 1.0}", -1, 1 },
    { "{\"data\": [], \"total\": null, \"meta\": {\"total\": \"9\"}}", -1, 9 },
    { "{\"data\": [], \"current_page\": false, \"total\": \"12abc\"}", -1, -1 },
    { "{\"success\": true, \"data\": [], \"current_page\": 1e3, \"total\": 1e300}", 1000, -1 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) body = bytes_from_string (cases[i].body);
      g_autoptr(GError) error = NULL;
      g_autoptr(SrPage) page = NULL;

      g_test_message ("%s", cases[i].body);
      page = sr_api_parse_messages_page (body, &error);
      g_assert_no_error (error);
      g_assert_cmpint (page->info.current_page, ==, cases[i].current_page);
      g_assert_cmpint (page->info.total, ==, cases[i].total);
    }
}

typedef enum {
  PARSE_MESSAGES_PAGE,
  PARSE_CAMPAIGNS_PAGE,
  PARSE_MESSAGE,
  PARSE_CAMPAIGN,
} ParseKind;

typedef struct
{
  const char *fixture;
  ParseKind   kind;
  const char *message_part;   /* must appear in the error message */
} BrokenCase;

static GError *
parse_expecting_error (GBytes    *body,
                       ParseKind  kind)
{
  GError *error = NULL;
  gpointer result = NULL;

  switch (kind)
    {
    case PARSE_MESSAGES_PAGE:
      result = sr_api_parse_messages_page (body, &error);
      g_clear_pointer ((SrPage **) &result, sr_page_free);
      break;
    case PARSE_CAMPAIGNS_PAGE:
      result = sr_api_parse_campaigns_page (body, &error);
      g_clear_pointer ((SrPage **) &result, sr_page_free);
      break;
    case PARSE_MESSAGE:
      result = sr_api_parse_message (body, &error);
      g_clear_object (&result);
      break;
    case PARSE_CAMPAIGN:
      result = sr_api_parse_campaign (body, &error);
      g_clear_object (&result);
      break;
    default:
      g_assert_not_reached ();
    }

  return error;
}

/* A bad value costs at most its record, and often not even that: invalid
 * UTF-8 is repaired, a NUL escape does not cut the text, numbers out of
 * range are clamped or dropped, long texts cut, all counted. */
static SrPage *
parse_page_text (const char *json)
{
  g_autoptr(GBytes) body = g_bytes_new (json, strlen (json));
  g_autoptr(GError) error = NULL;
  SrPage *page = sr_api_parse_messages_page (body, &error);

  g_assert_no_error (error);
  g_assert_nonnull (page);
  return page;
}

static void
test_messages_repaired (void)
{
  {
    g_autoptr(GBytes) body = load_fixture ("broken-invalid-utf8.json");
    g_autoptr(GError) error = NULL;
    g_autoptr(SrPage) page = sr_api_parse_messages_page (body, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (page->items->len, ==, 1);
    g_assert_cmpstr (sr_message_get_message (g_ptr_array_index (page->items, 0)), ==,
                     "\xEF\xBF\xBD\xEF\xBF\xBD not UTF-8");
    g_assert_cmpuint (page->info.n_repaired, >=, 1);
  }
  {
    g_autoptr(SrPage) page = parse_page_text ("{\"data\":[{\"id\":\"a\",\"message\":\"before\\u0000after\"},"
                                              "{\"id\":\"b\",\"message\":\"literal \\\\u0000 text\"},"
                                              "{\"id\":\"c\",\"message\":\"fine\",\"cost\":0.035,\"sms_count\":2}]}");

    g_assert_cmpuint (page->items->len, ==, 3);
    g_assert_cmpstr (sr_message_get_message (g_ptr_array_index (page->items, 0)), ==, "before\xEF\xBF\xBD" "after");
    g_assert_cmpstr (sr_message_get_message (g_ptr_array_index (page->items, 1)), ==, "literal \\u0000 text");
    g_assert_cmpfloat_with_epsilon (sr_message_get_cost (g_ptr_array_index (page->items, 2)), 0.035, 1e-9);
    g_assert_cmpint (sr_message_get_sms_count (g_ptr_array_index (page->items, 2)), ==, 2);
    g_assert_cmpuint (page->info.n_repaired, ==, 1);
  }
  {
    GString *json = g_string_new ("{\"data\":[");
    g_autoptr(SrPage) page = NULL;
    g_autofree char *built = NULL;

    g_string_append (json, "{\"id\":\"huge-cost\",\"cost\":1e308,\"sms_count\":-5},");
    g_string_append (json, "{\"id\":\"neg-cost\",\"cost\":\"-1e308\",\"sms_count\":99999},");
    g_string_append (json, "{\"id\":\"long-status\",\"status\":\"");
    for (guint i = 0; i < 100000; i++)
      g_string_append_c (json, 'X');
    g_string_append (json, "\",\"message\":\"");
    for (guint i = 0; i < 70000; i++)
      g_string_append (json, "\xC3\xA9");
    g_string_append (json, "\"},{\"id\":\"");
    for (guint i = 0; i < 300; i++)
      g_string_append_c (json, 'i');
    g_string_append (json, "\"}]}");
    built = g_string_free (json, FALSE);
    page = parse_page_text (built);

    /* the id too long to be an id: skipped and counted */
    g_assert_cmpuint (page->items->len, ==, 3);
    g_assert_cmpuint (page->info.n_skipped, ==, 1);
    g_assert_cmpuint (page->info.n_repaired, ==, 3);
    g_assert_cmpfloat (sr_message_get_cost (g_ptr_array_index (page->items, 0)), ==, 0.0);
    g_assert_cmpint (sr_message_get_sms_count (g_ptr_array_index (page->items, 0)), ==, 0);
    g_assert_cmpfloat (sr_message_get_cost (g_ptr_array_index (page->items, 1)), ==, 0.0);
    g_assert_cmpint (sr_message_get_sms_count (g_ptr_array_index (page->items, 1)), ==, 1000);
    g_assert_cmpuint (strlen (sr_message_get_status_raw (g_ptr_array_index (page->items, 2))), ==, 64);
    g_assert_cmpuint (strlen (sr_message_get_message (g_ptr_array_index (page->items, 2))), <=, 64 * 1024);
    g_assert_cmpuint (strlen (sr_message_get_message (g_ptr_array_index (page->items, 2))), >, 60 * 1024);
    g_assert_true (g_utf8_validate (sr_message_get_message (g_ptr_array_index (page->items, 2)), -1, NULL));
  }
}

static void
test_broken (void)
{
  static const BrokenCase cases[] = {
    { "broken-truncated.json", PARSE_MESSAGES_PAGE, "not valid JSON: <data>:" },
    { "broken-truncated.json", PARSE_MESSAGE, "not valid JSON" },
    { "broken-data-object.json", PARSE_MESSAGES_PAGE, "no list of records" },
    { "broken-data-object.json", PARSE_CAMPAIGNS_PAGE, "no list of records" },
    { "broken-data-string.json", PARSE_MESSAGES_PAGE, "no list of records" },
    { "broken-data-null.json", PARSE_MESSAGES_PAGE, "no list of records" },
    { "broken-no-data.json", PARSE_CAMPAIGNS_PAGE, "no list of records" },
    { "broken-root-string.json", PARSE_MESSAGES_PAGE, "not a list of records" },
    { "broken-root-string.json", PARSE_CAMPAIGN, "not a record" },
    { "broken-trailing-garbage.json", PARSE_MESSAGES_PAGE, "not valid JSON" },
    { "broken-comment.json", PARSE_MESSAGES_PAGE, "unexpected character “/” at line 1, column 12" },
    { "broken-plain-text.txt", PARSE_MESSAGES_PAGE, "not valid JSON" },
    { "broken-empty.json", PARSE_MESSAGES_PAGE, "empty response" },
    { "broken-empty.json", PARSE_MESSAGE, "empty response" },
    { "broken-whitespace.json", PARSE_CAMPAIGNS_PAGE, "empty response" },
    { "broken-html.html", PARSE_MESSAGES_PAGE, "answered with a web page instead of data (“502 Bad Gateway”)" },
    { "broken-html.html", PARSE_CAMPAIGN, "web page instead of data" },
    { "broken-html-no-title.html", PARSE_MESSAGES_PAGE, "answered with a web page instead of data." },
    { "error-401.json", PARSE_MESSAGES_PAGE, "reported an error: Invalid API Key or Token" },
    { "error-401.json", PARSE_MESSAGE, "Invalid API Key or Token" },
    { "error-429.json", PARSE_CAMPAIGNS_PAGE, "Too many requests" },
    { "balance-ok.json", PARSE_MESSAGE, "holds no record" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) body = load_fixture (cases[i].fixture);
      g_autoptr(GError) error = NULL;

      error = parse_expecting_error (body, cases[i].kind);
      g_test_message ("%s (%d): %s", cases[i].fixture, cases[i].kind,
                      error ? error->message : "(no error)");
      g_assert_error (error, SR_API_ERROR, SR_API_ERROR_BAD_RESPONSE);
      g_assert_nonnull (strstr (error->message, cases[i].message_part));
    }

  /* The parser's position is part of the message for truncated JSON. */
  {
    g_autoptr(GBytes) body = load_fixture ("broken-truncated.json");
    g_autoptr(GError) error = parse_expecting_error (body, PARSE_MESSAGES_PAGE);

    g_assert_true (g_regex_match_simple ("<data>:[0-9]+:[0-9]+", error->message, 0, 0));
  }

  /* json-glib quotes a single byte of a multi-byte character. */
  {
    g_autoptr(GBytes) body = bytes_from_string ("{\"data\": \xc3\xa9}");
    g_autoptr(GError) error = parse_expecting_error (body, PARSE_MESSAGES_PAGE);

    g_assert_error (error, SR_API_ERROR, SR_API_ERROR_BAD_RESPONSE);
    g_assert_true (g_str_has_prefix (error->message, "The server’s response is not valid JSON: <data>:1:10:"));
    g_assert_true (g_utf8_validate (error->message, -1, NULL));
  }

  /* A wrapped record without an id. */
  {
    g_autoptr(GBytes) body = bytes_from_string ("{\"data\": [{\"status\": \"SENT\"}]}");
    g_autoptr(GError) error = parse_expecting_error (body, PARSE_MESSAGE);

    g_assert_error (error, SR_API_ERROR, SR_API_ERROR_BAD_RESPONSE);
    g_assert_cmpstr (error->message, ==, "The server’s record has no id.");
  }

  /* No body at all. */
  {
    g_autoptr(GError) error = parse_expecting_error (NULL, PARSE_MESSAGES_PAGE);

    g_assert_error (error, SR_API_ERROR, SR_API_ERROR_BAD_RESPONSE);
  }
}

static void
test_deep_nesting (void)
{
  g_autoptr(GString) deep = g_string_new ("{\"data\": [{\"id\": \"ok\", \"extra\": ");
  g_autoptr(GString) hostile = g_string_new (NULL);
  g_autoptr(GBytes) deep_body = NULL;
  g_autoptr(GBytes) hostile_body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SrPage) page = NULL;

  /* Reasonable nesting inside an ignored field is fine... */
  for (int i = 0; i < 50; i++)
    g_string_append (deep, "[\"]]]\\\"[\", ");
  g_string_append (deep, "1");
  for (int i = 0; i < 50; i++)
    g_string_append_c (deep, ']');
  g_string_append (deep, "}]}");
  deep_body = g_bytes_new (deep->str, deep->len);
  page = sr_api_parse_messages_page (deep_body, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->items->len, ==, 1);

  /* ...a million levels would overflow json-glib's recursive parser. */
  for (int i = 0; i < 1000000; i++)
    g_string_append_c (hostile, i % 2 ? '[' : '{');
  hostile_body = g_bytes_new (hostile->str, hostile->len);
  g_clear_pointer (&page, sr_page_free);
  page = sr_api_parse_messages_page (hostile_body, &error);
  g_assert_null (page);
  g_assert_error (error, SR_API_ERROR, SR_API_ERROR_BAD_RESPONSE);
  g_assert_nonnull (strstr (error->message, "nested"));
}

static void
test_parse_time (void)
{
  static const struct
  {
    const char *str;
    gboolean    ok;
    gint64      usec;
  } cases[] = {
    { "2022-02-01T07:29:59.000000Z", TRUE, T_EXAMPLE },
    { "2022-02-01 07:29:59", TRUE, T_EXAMPLE },
    { "2022-02-01T07:29:59.999999+00:00", TRUE, T_EXAMPLE + 999999 },
    { "2022-02-01T07:29:59,5Z", TRUE, T_EXAMPLE + 500000 },
    { "2022-02-01T00:29:59-07:00", TRUE, T_EXAMPLE },
    { "2022-02-01  07:29:59", TRUE, T_EXAMPLE },
    { "1970-01-01T00:00:00Z", TRUE, 0 },
    { "1969-12-31T23:59:59.999999Z", TRUE, -1 },
    { "2000-02-29 00:00:00", TRUE, G_GINT64_CONSTANT (951782400000000) },
    { "2038-01-19T03:14:08Z", TRUE, G_GINT64_CONSTANT (2147483648000000) },
    { "9999-12-31T23:59:59Z", TRUE, G_GINT64_CONSTANT (253402300799000000) },
    { "0001-01-01T00:00:00Z", TRUE, G_GINT64_CONSTANT (-62135596800000000) },
    { "2016-12-31T23:59:60Z", TRUE, G_GINT64_CONSTANT (1483228800000000) },
    { "1900-02-29 00:00:00", FALSE, 0 },
    { "2022-13-01 00:00:00", FALSE, 0 },
    { "2022-00-10 00:00:00", FALSE, 0 },
    { "2022-04-31 00:00:00", FALSE, 0 },
    { "2022-02-01T07:60:00Z", FALSE, 0 },
    { "2022-02-01T07:29:61Z", FALSE, 0 },
    { "2022-02-01T07:29:59.Z", FALSE, 0 },
    { "2022-02-01T07:29:59+2", FALSE, 0 },
    { "2022-02-01T07:29:59+02:5", FALSE, 0 },
    { "2022-02-01T7:29:59Z", FALSE, 0 },
    { "22-02-01 07:29:59", FALSE, 0 },
    { "2022/02/01 07:29:59", FALSE, 0 },
    { "2022-02-01X07:29:59", FALSE, 0 },
    { "2022-0201", FALSE, 0 },
    { "2022-02-01T", FALSE, 0 },
    { "T07:29:59", FALSE, 0 },
    { "1643700599", FALSE, 0 },
    { "", FALSE, 0 },
    { "   ", FALSE, 0 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gint64 usec = 42;
      gboolean ok;

      g_test_message ("“%s”", cases[i].str);
      ok = sr_api_parse_time (cases[i].str, &usec);
      g_assert_cmpint (ok, ==, cases[i].ok);
      if (ok)
        g_assert_cmpint (usec, ==, cases[i].usec);
    }

  g_assert_false (sr_api_parse_time (NULL, NULL));
  g_assert_true (sr_api_parse_time ("2022-02-01", NULL));
}

static void
test_format_time (void)
{
  static const struct
  {
    gint64      usec;
    const char *query;
    const char *iso;
  } cases[] = {
    { T_EXAMPLE, "2022-02-01 07:29:59", "2022-02-01T07:29:59.000000Z" },
    { T_EXAMPLE + 123456, "2022-02-01 07:29:59", "2022-02-01T07:29:59.123456Z" },
    { 0, "1970-01-01 00:00:00", "1970-01-01T00:00:00.000000Z" },
    { -1, "1969-12-31 23:59:59", "1969-12-31T23:59:59.999999Z" },
    { G_GINT64_CONSTANT (951782400000000), "2000-02-29 00:00:00", "2000-02-29T00:00:00.000000Z" },
    { G_GINT64_CONSTANT (253402300799999999), "9999-12-31 23:59:59", "9999-12-31T23:59:59.999999Z" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *query = sr_api_format_query_time (cases[i].usec);
      g_autofree char *iso = sr_api_format_iso_time (cases[i].usec);

      g_assert_cmpstr (query, ==, cases[i].query);
      g_assert_cmpstr (iso, ==, cases[i].iso);
    }

  /* Against GDateTime as an independent reference, and round trips. */
  {
    g_autoptr(GRand) rand = g_rand_new_with_seed (20220201);

    for (int i = 0; i < 20000; i++)
      {
        gint64 seconds = (gint64) g_rand_double_range (rand, -62135596800.0, 253402300799.0);
        gint64 usec = seconds * G_USEC_PER_SEC + g_rand_int_range (rand, 0, G_USEC_PER_SEC);
        g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (seconds);
        /* GDateTime's %Y does not pad years before 1000. */
        g_autofree char *expected = g_strdup_printf ("%04d-%02d-%02d %02d:%02d:%02d",
                                                     g_date_time_get_year (dt),
                                                     g_date_time_get_month (dt),
                                                     g_date_time_get_day_of_month (dt),
                                                     g_date_time_get_hour (dt),
                                                     g_date_time_get_minute (dt),
                                                     g_date_time_get_second (dt));
        g_autofree char *query = sr_api_format_query_time (usec);
        g_autofree char *iso = sr_api_format_iso_time (usec);
        gint64 parsed = 0;

        g_assert_cmpstr (query, ==, expected);

        g_assert_true (sr_api_parse_time (iso, &parsed));
        g_assert_cmpint (parsed, ==, usec);

        g_assert_true (sr_api_parse_time (query, &parsed));
        g_assert_cmpint (parsed, ==, seconds * G_USEC_PER_SEC);
      }
  }

  /* Extreme values must not crash. */
  g_free (sr_api_format_iso_time (G_MAXINT64));
  g_free (sr_api_format_iso_time (G_MININT64));
  g_free (sr_api_format_query_time (G_MININT64));
}

static void
assert_read_only_properties (GType type)
{
  g_autoptr(GTypeClass) klass = g_type_class_ref (type);
  g_autofree GParamSpec **pspecs = NULL;
  guint n = 0;

  pspecs = g_object_class_list_properties (G_OBJECT_CLASS (klass), &n);
  g_assert_cmpuint (n, >=, 20);

  for (guint i = 0; i < n; i++)
    {
      g_assert_true (pspecs[i]->flags & G_PARAM_READABLE);
      g_assert_false (pspecs[i]->flags & (G_PARAM_WRITABLE | G_PARAM_CONSTRUCT | G_PARAM_CONSTRUCT_ONLY));
      g_assert_true (pspecs[i]->flags & G_PARAM_STATIC_NAME);
    }
}

static void
test_message_properties (void)
{
  g_autoptr(SrPage) page = parse_messages_fixture ("messages-v2.json");
  SrMessage *m = message_at (page, 0);
  g_autofree char *id = NULL, *campaign_id = NULL, *to = NULL, *status_raw = NULL;
  g_autofree char *status_label = NULL, *status_style = NULL, *status_description = NULL;
  g_autofree char *failed_reason = NULL, *provider = NULL, *message_type = NULL;
  SrStatus status;
  int sms_count;
  double cost;
  gint64 created_at, sent_at, scheduled_for;
  gboolean is_api, optout, final_callback_sent;

  assert_read_only_properties (SR_TYPE_MESSAGE);

  g_object_get (m,
                "id", &id,
                "campaign-id", &campaign_id,
                "to", &to,
                "status", &status,
                "status-raw", &status_raw,
                "status-label", &status_label,
                "status-style", &status_style,
                "status-description", &status_description,
                "sms-count", &sms_count,
                "cost", &cost,
                "failed-reason", &failed_reason,
                "created-at", &created_at,
                "sent-at", &sent_at,
                "scheduled-for", &scheduled_for,
                "is-api", &is_api,
                "optout", &optout,
                "final-callback-sent", &final_callback_sent,
                "provider", &provider,
                "message-type", &message_type,
                NULL);

  g_assert_cmpstr (id, ==, "11ec-8330-c5a4-4d2e-a3e8-0242ac120002");
  g_assert_null (campaign_id);
  g_assert_cmpstr (to, ==, "+35799123456");
  g_assert_cmpint (status, ==, SR_STATUS_DELIVERED);
  g_assert_cmpstr (status_raw, ==, "DELIVERED");
  g_assert_cmpstr (status_label, ==, "Delivered");
  g_assert_cmpstr (status_style, ==, "delivered");
  g_assert_cmpstr (status_description, ==, sr_status_get_description (SR_STATUS_DELIVERED));
  g_assert_cmpint (sms_count, ==, 1);
  g_assert_cmpfloat_with_epsilon (cost, 0.035, 1e-12);
  g_assert_null (failed_reason);
  g_assert_cmpint (created_at, ==, T_EXAMPLE);
  g_assert_cmpint (sent_at, ==, G_GINT64_CONSTANT (1643700607000000));
  g_assert_cmpint (scheduled_for, ==, SR_TIME_NONE);
  g_assert_true (is_api);
  g_assert_false (optout);
  g_assert_true (final_callback_sent);
  g_assert_cmpstr (provider, ==, "route-7");
  g_assert_cmpstr (message_type, ==, "sms");
}

static void
test_campaign_properties (void)
{
  g_autoptr(SrPage) page = parse_campaigns_fixture ("campaigns-page.json");
  g_autofree char *source_web = NULL, *source_api = NULL, *status = NULL, *id = NULL;
  gint64 recipients, delivered, canceled_at;
  double rate, rate_none, cost;
  int sms_count;
  gboolean is_api;

  assert_read_only_properties (SR_TYPE_CAMPAIGN);

  g_object_get (campaign_at (page, 0),
                "id", &id,
                "status", &status,
                "source-label", &source_web,
                "recipients", &recipients,
                "delivered-messages", &delivered,
                "delivery-rate", &rate,
                "client-total-cost", &cost,
                "sms-count", &sms_count,
                "is-api", &is_api,
                NULL);
  g_object_get (campaign_at (page, 1),
                "source-label", &source_api,
                "canceled-at", &canceled_at,
                NULL);
  g_object_get (campaign_at (page, 2), "delivery-rate", &rate_none, NULL);

  g_assert_cmpstr (id, ==, "c0ffee00-1111-2222-3333-444455556666");
  g_assert_cmpstr (status, ==, "completed");
  g_assert_cmpstr (source_web, ==, "Web");
  g_assert_cmpstr (source_api, ==, "API");
  g_assert_cmpint (recipients, ==, 1000);
  g_assert_cmpint (delivered, ==, 900);
  g_assert_cmpfloat_with_epsilon (rate, 0.9, 1e-12);
  g_assert_cmpfloat (rate_none, ==, -1.0);
  g_assert_cmpfloat_with_epsilon (cost, 41.25, 1e-12);
  g_assert_cmpint (sms_count, ==, 2);
  g_assert_false (is_api);
  g_assert_cmpint (canceled_at, ==, G_GINT64_CONSTANT (1641988800000000));
}

static gboolean assert_fast_path_agrees (GBytes *body);

/* Feeds @body to every entry point; whatever happens, a result and an error
 * never come together and nothing crashes (ASan/UBSan builds check the rest). */
static void
parse_everything (GBytes *body)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *currency = NULL;
  g_autofree char *message = NULL;
  SrPage *page;
  SrMessage *m;
  SrCampaign *c;
  double balance;

  page = sr_api_parse_messages_page (body, &error);
  g_assert_true ((page == NULL) != (error == NULL));
  if (page != NULL)
    {
      for (guint i = 0; i < page->items->len; i++)
        {
          SrMessage *item = g_ptr_array_index (page->items, i);

          g_assert_nonnull (sr_message_get_id (item));
          g_assert_cmpstr (sr_message_get_id (item), !=, "");
          g_assert_nonnull (sr_message_get_status_raw (item));
          g_assert_true (g_utf8_validate (sr_message_get_status_raw (item), -1, NULL));
          g_assert_true (sr_message_get_sms_count (item) >= 0);
        }
    }
  g_clear_pointer (&page, sr_page_free);
  g_clear_error (&error);

  page = sr_api_parse_campaigns_page (body, &error);
  g_assert_true ((page == NULL) != (error == NULL));
  g_clear_pointer (&page, sr_page_free);
  g_clear_error (&error);

  m = sr_api_parse_message (body, &error);
  g_assert_true ((m == NULL) != (error == NULL));
  g_clear_object (&m);
  g_clear_error (&error);

  c = sr_api_parse_campaign (body, &error);
  g_assert_true ((c == NULL) != (error == NULL));
  if (c != NULL)
    g_assert_cmpint (sr_campaign_get_recipients (c), >=, 0);
  g_clear_object (&c);
  g_clear_error (&error);

  if (sr_api_parse_balance (body, &balance, &currency, &error))
    g_assert_no_error (error);
  else
    g_assert_nonnull (error);
  g_clear_error (&error);

  message = sr_api_parse_error_message (body);
  if (message != NULL)
    g_assert_true (g_utf8_validate (message, -1, NULL));

  assert_fast_path_agrees (body);
}

static void
test_mutations (void)
{
  static const char * const fixtures[] = {
    "messages-v2.json",
    "messages-legacy.json",
    "campaigns-page.json",
    "messages-strings.json",
    "messages-dates.json",
    "balance-ok.json",
    "error-401.json",
  };
  g_autoptr(GRand) rand = g_rand_new_with_seed (4821);
  static const char interesting[] = "{}[]\",:\\0123456789.eE+-tfn \xff\x00u";

  for (gsize f = 0; f < G_N_ELEMENTS (fixtures); f++)
    {
      g_autoptr(GBytes) body = load_fixture (fixtures[f]);
      gsize len;
      const guint8 *data = g_bytes_get_data (body, &len);
      guint step = MAX (1, (guint) len / 300);

      /* Every prefix: truncated downloads. */
      for (gsize cut = 0; cut < len; cut += step)
        {
          g_autoptr(GBytes) prefix = g_bytes_new (data, cut);

          parse_everything (prefix);
        }

      /* Random byte changes, insertions and deletions. */
      for (int round = 0; round < 300; round++)
        {
          g_autoptr(GByteArray) mutated = g_byte_array_new ();
          g_autoptr(GBytes) mutated_body = NULL;
          int n_changes = g_rand_int_range (rand, 1, 8);

          g_byte_array_append (mutated, data, len);
          for (int k = 0; k < n_changes && mutated->len > 0; k++)
            {
              guint pos = g_rand_int_range (rand, 0, mutated->len);
              guint8 byte = interesting[g_rand_int_range (rand, 0, sizeof interesting - 1)];

              switch (g_rand_int_range (rand, 0, 3))
                {
                case 0:
                  mutated->data[pos] = byte;
                  break;
                case 1:
                  g_byte_array_remove_index (mutated, pos);
                  break;
                default:
                  g_array_insert_vals ((GArray *) mutated, pos, &byte, 1);
                  break;
                }
            }

          mutated_body = g_bytes_new (mutated->data, mutated->len);
          parse_everything (mutated_body);
        }
    }
}

/* Differential tests: the single-pass reader of message pages against the
 * json-glib path (sr-api-parse-private.h). The fast path may give up on any
 * body, but when it answers, its page must be the json-glib page exactly;
 * and the public function must always give the json-glib result, errors
 * included. */

/* The first field that differs, or NULL. */
static const char *
message_difference (SrMessage *a,
                    SrMessage *b)
{
  double cost_a = sr_message_get_cost (a), cost_b = sr_message_get_cost (b);

#define DIFFERENT_STR(getter) \
  if (g_strcmp0 (getter (a), getter (b)) != 0) \
    return #getter;
#define DIFFERENT_INT(getter) \
  if (getter (a) != getter (b)) \
    return #getter;

  DIFFERENT_STR (sr_message_get_id);
  DIFFERENT_STR (sr_message_get_campaign_id);
  DIFFERENT_STR (sr_message_get_to);
  DIFFERENT_STR (sr_message_get_sender_id);
  DIFFERENT_STR (sr_message_get_message);
  DIFFERENT_INT (sr_message_get_status);
  DIFFERENT_STR (sr_message_get_status_raw);
  DIFFERENT_INT (sr_message_get_sms_count);
  DIFFERENT_STR (sr_message_get_failed_reason);
  DIFFERENT_INT (sr_message_get_created_at);
  DIFFERENT_INT (sr_message_get_updated_at);
  DIFFERENT_INT (sr_message_get_sent_at);
  DIFFERENT_INT (sr_message_get_scheduled_for);
  DIFFERENT_STR (sr_message_get_timezone);
  DIFFERENT_INT (sr_message_get_is_api);
  DIFFERENT_STR (sr_message_get_message_type);
  DIFFERENT_STR (sr_message_get_user_id);
  DIFFERENT_STR (sr_message_get_callback_url);
  DIFFERENT_STR (sr_message_get_provider);
  DIFFERENT_STR (sr_message_get_message_id);
  DIFFERENT_STR (sr_message_get_internal_failed_reason);
  DIFFERENT_INT (sr_message_get_optout);
  DIFFERENT_INT (sr_message_get_final_callback_sent);

#undef DIFFERENT_STR
#undef DIFFERENT_INT

  /* Bit for bit: -0.0 and 0.0 differ here. */
  if (memcmp (&cost_a, &cost_b, sizeof cost_a) != 0)
    return "sr_message_get_cost";

  return NULL;
}

static const char *
page_difference (SrPage *a,
                 SrPage *b)
{
  if (a->info.current_page != b->info.current_page)
    return "current_page";
  if (a->info.last_page != b->info.last_page)
    return "last_page";
  if (a->info.per_page != b->info.per_page)
    return "per_page";
  if (a->info.total != b->info.total)
    return "total";
  if (a->info.n_skipped != b->info.n_skipped)
    return "n_skipped";
  if (a->n_bytes != b->n_bytes)
    return "n_bytes";
  if (a->items->len != b->items->len)
    return "number of records";

  for (guint i = 0; i < a->items->len; i++)
    {
      const char *difference = message_difference (g_ptr_array_index (a->items, i),
                                                   g_ptr_array_index (b->items, i));

      if (difference != NULL)
        return difference;
    }

  return NULL;
}

static void
report_body (GBytes *body)
{
  gsize len = 0;
  const char *data = body != NULL ? g_bytes_get_data (body, &len) : NULL;
  g_autofree char *text = g_strndup (data != NULL ? data : "", len);
  g_autofree char *escaped = g_strescape (text, NULL);

  g_test_message ("body (%" G_GSIZE_FORMAT " bytes, shown up to a NUL): %s", len, escaped);
}

/* Parses @body three ways and checks they agree. Returns whether the fast
 * path answered on its own. */
static gboolean
assert_fast_path_agrees (GBytes *body)
{
  g_autoptr(GError) slow_error = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SrPage) slow = sr_api_parse_messages_page_slow (body, &slow_error);
  g_autoptr(SrPage) fast = sr_api_parse_messages_page_fast (body);
  g_autoptr(SrPage) page = sr_api_parse_messages_page (body, &error);
  /* the public function reads the body with its text repaired */
  guint n_repairs = 0;
  g_autoptr(GBytes) repaired = sr_api_parse_repair_body (body, &n_repairs);
  g_autoptr(GError) repaired_error = NULL;
  /* most bodies need no repair: then the reference is the slow path's own */
  g_autoptr(SrPage) slow_repaired = repaired == body ? NULL : sr_api_parse_messages_page_slow (repaired, &repaired_error);
  const char *difference;

  SrPage *reference = repaired == body ? slow : slow_repaired;
  GError *reference_error = repaired == body ? slow_error : repaired_error;

  if (slow_repaired != NULL)
    {
      slow_repaired->n_bytes = body != NULL ? g_bytes_get_size (body) : 0;
      slow_repaired->info.n_repaired += n_repairs;
    }
  g_assert_true ((slow == NULL) != (slow_error == NULL));
  g_assert_true ((page == NULL) != (error == NULL));

  if (fast != NULL)
    {
      if (slow == NULL)
        {
          report_body (body);
          g_assert_no_error (slow_error);
        }

      difference = page_difference (fast, slow);
      if (difference != NULL)
        {
          report_body (body);
          g_assert_cmpstr (difference, ==, NULL);
        }
    }

  if (reference_error != NULL)
    {
      if (error == NULL)
        report_body (body);
      g_assert_error (error, reference_error->domain, reference_error->code);
      g_assert_cmpstr (error->message, ==, reference_error->message);
    }
  else
    {
      g_assert_no_error (error);
      difference = page_difference (page, reference);
      if (difference != NULL)
        {
          report_body (body);
          g_assert_cmpstr (difference, ==, NULL);
        }
    }

  return fast != NULL;
}

static void
test_fast_path_fixtures (void)
{
  /* Message pages the fast path must read on its own, not hand over. */
  static const char * const fast_fixtures[] = {
    "messages-v2.json",
    "messages-legacy.json",
    "messages-dates.json",
    "messages-no-id.json",
    "messages-nulls.json",
    "messages-strings.json",
    "messages-surrogates.json",
    "messages-unknown.json",
    "broken-envelope-types.json",
    "campaigns-page.json",
  };
  const char *dir_path = g_getenv ("SR_TEST_DATA_DIR");
  g_autofree char *default_dir = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) error = NULL;
  const char *name;
  guint n_files = 0;

  if (dir_path == NULL)
    dir_path = default_dir = g_test_build_filename (G_TEST_DIST, "data", NULL);

  dir = g_dir_open (dir_path, 0, &error);
  g_assert_no_error (error);

  /* Every fixture, whatever it is, as a message page: the same answer. */
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir_path, name, NULL);
      g_autoptr(GBytes) body = NULL;
      gboolean fast;

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        continue;

      body = load_fixture (name);
      fast = assert_fast_path_agrees (body);
      g_test_message ("%s: %s", name, fast ? "fast path" : "json-glib");
      n_files++;

      for (gsize i = 0; i < G_N_ELEMENTS (fast_fixtures); i++)
        {
          if (g_str_equal (name, fast_fixtures[i]))
            g_assert_true (fast);
        }
    }

  g_assert_cmpuint (n_files, >=, 30);

  /* The hand-written cases of the tests above. */
  {
    static const char * const bodies[] = {
      "[{\"id\": \"bare\"}]",
      "{\"data\": [], \"meta\": {\"current_page\": 4, \"total\": 61}}",
      "{\"data\": [], \"current_page\": 2, \"meta\": {\"current_page\": 4}}",
      "{\"data\": [], \"current_page\": -3, \"total\": 1.0}",
      "{\"data\": [], \"total\": null, \"meta\": {\"total\": \"9\"}}",
      "{\"data\": [], \"current_page\": false, \"total\": \"12abc\"}",
      "{\"success\": true, \"data\": [], \"current_page\": 1e3, \"total\": 1e300}",
      "{\"data\": [{\"id\": \"e\", \"message\": \"\\u039a\\u03b1\\u03bb\\u03b7\"}]}",
      "{\"data\": [{\"id\": \"e\", \"message\": \"\\uD83D\\uDE00\"}]}",
      "{\"data\": [{\"id\": \"e\", \"message\": \"\\ude00\\ud83d\"}]}",
      "{\"data\": [{\"id\": \"e\", \"message\": \"\\ud83d\\u0041\"}]}",
      "{\"data\": [{\"id\": \"e\", \"message\": \"\\ud83d\\ud83d\\ude00\"}]}",
      "{\"data\": [{\"id\": \"e\", \"message\": \"a\\\"b\\\\c\\/d\\te\\b\\f\\n\\r\"}]}",
      "{\"data\": [{\"id\": \"e\", \"message\": \"\\377\"}]}",
      "{\"data\": [{\"id\": \"e\", \"message\": \"\\u12\"}]}",
      "{\"data\": [{\"id\": \"e\", \"message\": \"cut\\u0000here\"}]}",
      "{\"data\": [{\"id\": \"e\", \"message\": \"raw\ttab\"}]}",
      "{\"data\": [{\"id\": 1, \"id\": 2, \"_id\": \"\", \"cost\": 1, \"cost\": null}]}",
      "{\"data\": [{\"\\u0069d\": \"escaped key\"}]}",
      "{\"data\": [{\"id\\u0000x\": \"cut key\"}]}",
      "{\"data\": [{\"id\": 12345678901234567890}]}",
      "{\"data\": [{\"id\": 0123}]}",
      "{\"data\": [{\"id\": -0, \"cost\": -0.0, \"sms_count\": 1.}]}",
      "{\"data\": [{\"id\": \"x\"}], \"data\": []}",
      "{\"data\": [{\"id\": \"x\"}], \"success\": false}",
      "{\"data\": [{\"id\": \"x\"}], \"success\": \"0\", \"success\": 1}",
      "{\"success\": true, \"data\": [{\"id\": \"x\"}], \"success\": false}",
      "{\"data\": [{\"id\": \"x\", \"sms_count\": 99999999999999999999, \"user_id\": 18446744073709551616}]}",
      "{\"data\": [{\"id\": 9223372036854775807, \"to\": -9223372036854775808, \"sent_at\": 1234567890123456789}]}",
      "{\"data\": [{\"id\": \"x\"}]} {\"data\": []}",
      "{\"data\": [{\"id\": \"x\"}]}\f",
      "\xef\xbb\xbf\f {\"data\": [{\"id\": \"bom\"}]}\r\n",
      "{\"data\": [1, null, \"s\", [], {}, {\"id\": \"k\"}]}",
      "{\"meta\": 3, \"data\": [], \"meta\": {\"total\": 5}}",
      "{\"meta\": [{\"total\": 5}], \"total\": \"7\", \"data\": []}",
      "{\"data\": [{\"id\": \"n\", \"cost\": 1e400, \"client_cost\": \"2\"}]}",
      "{\"data\": [{\"id\": \"n\", \"created_at\": 1643700599123, \"sent_at\": -1e300}]}",
      "{\"data\": [{\"id\": \"n\", \"status\": \" sent \\u00e9\", \"is_api\": \"on\"}]}",
    };

    for (gsize i = 0; i < G_N_ELEMENTS (bodies); i++)
      {
        g_autoptr(GBytes) body = bytes_from_string (bodies[i]);

        g_test_message ("%s", bodies[i]);
        assert_fast_path_agrees (body);
      }
  }
}

/* Scalars as JSON text, chosen for the conversions in sr-api-parse.c. */
static const char * const scalar_pool[] = {
  "null", "true", "false", "0", "-0", "1", "-1", "2", "7", "42", "1000",
  "123456789012", "999999999999999999", "-999999999999999999",
  "1.0", "-0.0", "0.035", "0.1", "12.5", "1e3", "1E-2", "2.5e+1", "-3.75E2",
  "1643700599", "1643700599123", "1643700599.5", "-1", "99999999999",
  "\"\"", "\" \"", "\"0\"", "\"1\"", "\"-5\"", "\"yes\"", "\"Y\"", "\"on\"", "\"TRUE\"",
  "\"false\"", "\"no\"", "\" 12 \"", "\"0.0350\"", "\"1e3\"", "\"nan\"", "\"inf\"",
  "\"12abc\"", "\"0x10\"", "\"+7\"", "\"9223372036854775807\"", "\"99999999999999999999\"",
  "\"2022-02-01T07:29:59.000000Z\"", "\"2022-02-01 07:29:59\"", "\"2022-02-01T07:29:59+02:00\"",
  "\"20220201T072959Z\"", "\"2022-02-30\"", "\"2022-02-01 07:29:59 UTC\"", "\"2022-02-01\"",
  "\"1970-01-01T00:00:00Z\"", "\"9999-12-31T23:59:59Z\"",
  "\"DELIVERED\"", "\" sent \"", "\"Failed\"", "\"UNDELIVERED\"", "\"\\u0053ENT\"",
  "\"queued\\t\"", "\"+35799123456\"", "\"Europe/Nicosia\"", "\"https:\\/\\/example.com\\/cb\"",
  "[]", "{}", "[1, \"two\", {\"three\": [3]}]", "{\"a\": {\"b\": null}}",
};

/* Scalars the fast path gives up on when they are in a field it reads. */
static const char * const wild_scalar_pool[] = {
  "9223372036854775807", "18446744073709551616", "-9223372036854775808",
  "123456789012345678901234567890", "1e400", "-1e400", "1e-400",
  "0.1000000000000000055511151231257827021181583404541015625",
  "\"a\\u0000b\"", "01", "1.", ".5", "+1", "- 1", "0x10", "1e", "True", "NULL", "nan",
  "'single'", "\"raw\ttab\"", "\"raw\x01" "control\"", "\"\xff\"", "\"\xc0\xaf\"",
  "\"\xed\xa0\x80\"", "\"\\x41\"", "\"\\q\"", "\"\\u12\"", "\"\\uzzzz\"", "\"\\377\"",
};

static const char * const message_keys[] = {
  "_id", "id", "campaign_id", "to", "sender_id", "message", "status", "sms_count",
  "cost", "client_cost", "failed_reason", "created_at", "updated_at", "sent_at",
  "scheduled_for", "timezone", "is_api", "type", "user_id", "callback_url",
  "optout", "provider", "final_callback_sent", "message_id", "internal_failed_reason",
};

typedef struct
{
  GRand    *rand;
  GString  *s;
  gboolean  wild;    /* may write what the fast path gives up on */
  gboolean  clean;   /* nothing written so far makes the fast path give up */
  int       depth;
} PageWriter;

static void
write_space (PageWriter *w)
{
  static const char * const spaces[] = { "", "", "", " ", "\n  ", "\r\n", "\t", "  \n" };

  if (w->wild && g_rand_int_range (w->rand, 0, 200) == 0)
    {
      g_string_append (w->s, g_rand_boolean (w->rand) ? "\f" : "\v");
      w->clean = FALSE;
    }
  else
    g_string_append (w->s, spaces[g_rand_int_range (w->rand, 0, G_N_ELEMENTS (spaces))]);
}

/* Text for the inside of a JSON string: plain and non-Latin text, emoji
 * raw and as surrogate pairs, every escape, lone surrogates. */
static void
write_string_content (PageWriter *w,
                      gboolean    read_by_fast_path)
{
  static const char * const pieces[] = {
    "a", "Z", "7", " ", "-", "+", ":", ".", "%", "~", "\x7f",
    "Καλημέρα", "中文短信", "✓", "é", "\xf0\x9f\x98\x80", "\xef\xbf\xbe",
    "\\ud83d\\ude00", "\\uD83D\\uDE4F", "\\ud83c\\udf89",
    "\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t",
    "\\u00e9", "\\u20AC", "\\u0041", "\\u001f", "\\u039a", "\\uffff", "\\u0001",
    "\\ud83d", "\\ude00", "\\ude00\\ud83d", "\\ud83d\\ud83d\\ude00", "\\ud83d\\\\ude00",
  };
  int n = g_rand_int_range (w->rand, 0, 12);

  for (int i = 0; i < n; i++)
    {
      if (w->wild && g_rand_int_range (w->rand, 0, 300) == 0)
        {
          static const char * const wild_pieces[] = {
            "\t", "\x01", "\xff", "\xc3", "\xed\xa0\x80", "\\u0000", "\\x", "\\u00", "\\'",
          };
          int k = g_rand_int_range (w->rand, 0, G_N_ELEMENTS (wild_pieces));

          g_string_append (w->s, wild_pieces[k]);
          /* "\u0000" is valid JSON and only matters in a field that is read. */
          if (k != 5 || read_by_fast_path)
            w->clean = FALSE;
        }
      else
        g_string_append (w->s, pieces[g_rand_int_range (w->rand, 0, G_N_ELEMENTS (pieces))]);
    }
}

static void write_value (PageWriter *w,
                         gboolean    read_by_fast_path);

static void
write_key (PageWriter *w,
           const char *key,
           gboolean    relevant)
{
  write_space (w);
  g_string_append_c (w->s, '"');
  if (w->wild && g_rand_int_range (w->rand, 0, 100) == 0)
    {
      /* Escaped names: json-glib compares them decoded. */
      switch (g_rand_int_range (w->rand, 0, 3))
        {
        case 0:
          g_string_append (w->s, "\\u0069d");
          break;
        case 1:
          g_string_append_printf (w->s, "%s\\u0000x", key);
          break;
        default:
          g_string_append_printf (w->s, "%s\\/", key);
          break;
        }
      if (relevant)
        w->clean = FALSE;
    }
  else
    g_string_append (w->s, key);
  g_string_append_c (w->s, '"');
  write_space (w);
  g_string_append_c (w->s, ':');
  write_space (w);
}

static void
write_container (PageWriter *w)
{
  gboolean object = g_rand_boolean (w->rand);
  int n = g_rand_int_range (w->rand, 0, 4);

  /* Sometimes far deeper, around json-glib's limit of 64 levels. */
  if (w->wild && g_rand_int_range (w->rand, 0, 40) == 0)
    {
      int levels = g_rand_int_range (w->rand, 55, 70);

      if (w->depth + levels > 64)
        w->clean = FALSE;
      for (int i = 0; i < levels; i++)
        g_string_append (w->s, i % 2 ? "{\"k\":" : "[");
      g_string_append (w->s, "1");
      for (int i = levels - 1; i >= 0; i--)
        g_string_append_c (w->s, i % 2 ? '}' : ']');
      return;
    }

  w->depth++;
  g_string_append_c (w->s, object ? '{' : '[');
  for (int i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (w->s, ',');
      if (object)
        {
          g_autofree char *key = g_strdup_printf ("k%d", g_rand_int_range (w->rand, 0, 3));

          write_key (w, key, FALSE);
        }
      write_space (w);
      write_value (w, FALSE);
      write_space (w);
    }
  g_string_append_c (w->s, object ? '}' : ']');
  w->depth--;
}

static void
write_value (PageWriter *w,
             gboolean    read_by_fast_path)
{
  int choice = g_rand_int_range (w->rand, 0, 100);

  if (w->wild && choice < 3)
    {
      int k = g_rand_int_range (w->rand, 0, G_N_ELEMENTS (wild_scalar_pool));

      g_string_append (w->s, wild_scalar_pool[k]);
      /* Long integers and the like are valid JSON, read alike when skipped. */
      if (read_by_fast_path || k >= 8)
        w->clean = FALSE;
    }
  else if (choice < 45)
    g_string_append (w->s, scalar_pool[g_rand_int_range (w->rand, 0, G_N_ELEMENTS (scalar_pool))]);
  else if (choice < 85 || w->depth > 6)
    {
      g_string_append_c (w->s, '"');
      write_string_content (w, read_by_fast_path);
      g_string_append_c (w->s, '"');
    }
  else if (choice < 92)
    g_string_append_printf (w->s, "%d", g_rand_int_range (w->rand, -100000, 100000));
  else
    write_container (w);
}

static void
write_message (PageWriter *w)
{
  int n = g_rand_int_range (w->rand, 0, 30);

  w->depth++;
  g_string_append_c (w->s, '{');
  for (int i = 0; i < n; i++)
    {
      gboolean known = g_rand_int_range (w->rand, 0, 5) > 0;
      const char *key;
      g_autofree char *unknown = NULL;

      if (known)
        key = message_keys[g_rand_int_range (w->rand, 0, G_N_ELEMENTS (message_keys))];
      else
        key = unknown = g_strdup_printf ("%s%d",
                                         g_rand_boolean (w->rand) ? "links" : "",
                                         g_rand_int_range (w->rand, 0, 4));

      if (i > 0)
        g_string_append_c (w->s, ',');
      write_key (w, key, TRUE);
      write_value (w, known);
      write_space (w);
    }
  g_string_append_c (w->s, '}');
  w->depth--;
}

static void
write_records (PageWriter *w)
{
  int n = g_rand_int_range (w->rand, 0, 8);

  w->depth++;
  g_string_append_c (w->s, '[');
  for (int i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (w->s, ',');
      write_space (w);
      if (g_rand_int_range (w->rand, 0, 10) > 0)
        write_message (w);
      else
        write_value (w, FALSE);
      write_space (w);
    }
  g_string_append_c (w->s, ']');
  w->depth--;
}

/* A message page, with or without envelope and "meta". */
static char *
write_page (GRand    *rand,
            gboolean  wild,
            gboolean *out_clean)
{
  PageWriter w = { rand, g_string_new (NULL), wild, TRUE, 0 };
  static const char * const envelope_keys[] = {
    "current_page", "last_page", "per_page", "total", "from", "to", "path", "links",
  };

  write_space (&w);

  if (g_rand_int_range (rand, 0, 8) == 0)
    write_records (&w);
  else
    {
      int n = g_rand_int_range (rand, 0, 8);
      int data_at = g_rand_int_range (rand, 0, n + 1);
      gboolean has_meta = FALSE;

      w.depth++;
      g_string_append_c (w.s, '{');
      for (int i = 0; i <= n; i++)
        {
          if (i > 0)
            g_string_append_c (w.s, ',');

          if (i == data_at)
            {
              write_key (&w, "data", TRUE);
              write_records (&w);
            }
          else if (g_rand_int_range (rand, 0, 6) == 0)
            {
              static const char * const success_values[] = { "true", "1", "\"true\"", "\"yes\"", "2.0" };
              static const char * const failure_values[] = { "false", "0", "\"false\"", "\"FALSE\"", "\"0\"" };

              write_key (&w, "success", TRUE);
              if (wild && g_rand_int_range (rand, 0, 4) == 0)
                {
                  g_string_append (w.s, failure_values[g_rand_int_range (rand, 0, G_N_ELEMENTS (failure_values))]);
                  w.clean = FALSE;
                }
              else
                g_string_append (w.s, success_values[g_rand_int_range (rand, 0, G_N_ELEMENTS (success_values))]);
            }
          else if (g_rand_int_range (rand, 0, 5) == 0)
            {
              write_key (&w, "meta", TRUE);
              if (has_meta)
                w.clean = FALSE;
              has_meta = TRUE;

              if (g_rand_int_range (rand, 0, 4) > 0)
                {
                  int m = g_rand_int_range (rand, 0, 6);

                  w.depth++;
                  g_string_append_c (w.s, '{');
                  for (int j = 0; j < m; j++)
                    {
                      if (j > 0)
                        g_string_append_c (w.s, ',');
                      write_key (&w, envelope_keys[g_rand_int_range (rand, 0, G_N_ELEMENTS (envelope_keys))], TRUE);
                      write_value (&w, TRUE);
                    }
                  g_string_append_c (w.s, '}');
                  w.depth--;
                }
              else
                write_value (&w, FALSE);
            }
          else
            {
              write_key (&w, envelope_keys[g_rand_int_range (rand, 0, G_N_ELEMENTS (envelope_keys))], TRUE);
              write_value (&w, TRUE);
            }
          write_space (&w);
        }

      /* "data" twice: json-glib keeps the last. */
      if (wild && g_rand_int_range (rand, 0, 30) == 0)
        {
          g_string_append_c (w.s, ',');
          write_key (&w, "data", TRUE);
          write_records (&w);
          w.clean = FALSE;
        }

      g_string_append_c (w.s, '}');
      w.depth--;
    }

  write_space (&w);

  *out_clean = w.clean;
  return g_string_free (w.s, FALSE);
}

static void
test_fast_path_generated (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20240229);
  guint n_clean = 0, n_fast = 0, n_pages = 0;

  for (int i = 0; i < 3000; i++)
    {
      gboolean wild = i % 2 == 1;
      gboolean clean;
      g_autofree char *text = write_page (rand, wild, &clean);
      g_autoptr(GBytes) body = g_bytes_new (text, strlen (text));
      gboolean fast = assert_fast_path_agrees (body);

      /* The fast path must not give up on what it is meant to read. */
      if (clean && !fast)
        report_body (body);
      if (clean)
        g_assert_true (fast);

      n_pages++;
      n_clean += clean;
      n_fast += fast;
    }

  g_test_message ("%u generated pages, %u clean, %u read by the fast path", n_pages, n_clean, n_fast);
  g_assert_cmpuint (n_clean, >=, n_pages / 2);
}

static void
test_fast_path_mutations (void)
{
  static const char interesting[] = "{}[]\",:\\/0123456789.eE+-tfnu \t\r\n\xff\xc3\xa9\xed\x00";
  g_autoptr(GRand) rand = g_rand_new_with_seed (35799);
  guint n_bodies = 0, n_fast = 0;

  for (int i = 0; i < 600; i++)
    {
      gboolean clean;
      g_autofree char *text = write_page (rand, i % 3 == 0, &clean);
      gsize len = strlen (text);

      /* Truncated downloads. */
      for (int k = 0; k < 4; k++)
        {
          g_autoptr(GBytes) prefix = g_bytes_new (text, g_rand_int_range (rand, 0, len + 1));

          n_fast += assert_fast_path_agrees (prefix);
          n_bodies++;
        }

      /* Random byte changes, insertions and deletions. */
      for (int round = 0; round < 8; round++)
        {
          g_autoptr(GByteArray) mutated = g_byte_array_new ();
          g_autoptr(GBytes) mutated_body = NULL;
          int n_changes = g_rand_int_range (rand, 1, 4);

          g_byte_array_append (mutated, (const guint8 *) text, len);
          for (int k = 0; k < n_changes && mutated->len > 0; k++)
            {
              guint pos = g_rand_int_range (rand, 0, mutated->len);
              guint8 byte = interesting[g_rand_int_range (rand, 0, sizeof interesting - 1)];

              switch (g_rand_int_range (rand, 0, 4))
                {
                case 0:
                  mutated->data[pos] = byte;
                  break;
                case 1:
                  g_byte_array_remove_index (mutated, pos);
                  break;
                case 2:
                  g_array_insert_vals ((GArray *) mutated, pos, &byte, 1);
                  break;
                default:
                  mutated->data[pos] = (guint8) g_rand_int_range (rand, 0, 256);
                  break;
                }
            }

          mutated_body = g_bytes_new (mutated->data, mutated->len);
          n_fast += assert_fast_path_agrees (mutated_body);
          n_bodies++;
        }
    }

  g_test_message ("%u mutated bodies, %u read by the fast path", n_bodies, n_fast);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/parse/messages/v2", test_messages_v2);
  g_test_add_func ("/parse/messages/legacy", test_messages_legacy);
  g_test_add_func ("/parse/messages/unknown", test_messages_unknown);
  g_test_add_func ("/parse/messages/nulls", test_messages_nulls);
  g_test_add_func ("/parse/messages/no-id", test_messages_no_id);
  g_test_add_func ("/parse/messages/strings", test_messages_strings);
  g_test_add_func ("/parse/messages/dates", test_messages_dates);
  g_test_add_func ("/parse/messages/surrogates", test_messages_surrogates);
  g_test_add_func ("/parse/messages/escapes", test_escapes);
  g_test_add_func ("/parse/campaigns/page", test_campaigns_page);
  g_test_add_func ("/parse/message/single", test_message_single);
  g_test_add_func ("/parse/campaign/single", test_campaign_single);
  g_test_add_func ("/parse/balance", test_balance);
  g_test_add_func ("/parse/error-message", test_error_message);
  g_test_add_func ("/parse/envelope/types", test_envelope_types);
  g_test_add_func ("/parse/envelope/variants", test_envelope_variants);
  g_test_add_func ("/parse/messages/repaired", test_messages_repaired);
  g_test_add_func ("/parse/broken", test_broken);
  g_test_add_func ("/parse/broken/deep-nesting", test_deep_nesting);
  g_test_add_func ("/parse/broken/mutations", test_mutations);
  g_test_add_func ("/parse/time/parse", test_parse_time);
  g_test_add_func ("/parse/time/format", test_format_time);
  g_test_add_func ("/parse/objects/message-properties", test_message_properties);
  g_test_add_func ("/parse/objects/campaign-properties", test_campaign_properties);
  g_test_add_func ("/parse/fast-path/fixtures", test_fast_path_fixtures);
  g_test_add_func ("/parse/fast-path/generated", test_fast_path_generated);
  g_test_add_func ("/parse/fast-path/mutations", test_fast_path_mutations);

  return g_test_run ();
}
