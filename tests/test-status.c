/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-status.c: the status table (docs/SMSTO-API.md, "Statuses") and the failure
 * reason explanations, value by value.
 */

#define G_LOG_DOMAIN "test-status"

#include "config.h"

#include <glib/gi18n.h>

#include <string.h>

#include "sr-enums.h"
#include "sr-status.h"

typedef struct
{
  SrStatus       status;
  const char    *name;
  const char    *label;
  gboolean       billable;
  gboolean       final;
  SrStatusGroup  group;
  const char    *style_class;
} ExpectedStatus;

/* Written out from docs/SMSTO-API.md rather than derived from the code under test. */
static const ExpectedStatus expected_statuses[] = {
  { SR_STATUS_UNKNOWN,      "UNKNOWN",      "Other",        TRUE,  FALSE, SR_STATUS_GROUP_OTHER,       "other" },
  { SR_STATUS_DELIVERED,    "DELIVERED",    "Delivered",    TRUE,  TRUE,  SR_STATUS_GROUP_DELIVERED,   "delivered" },
  { SR_STATUS_SENDING,      "SENDING",      "Sending",      TRUE,  FALSE, SR_STATUS_GROUP_PENDING,     "pending" },
  { SR_STATUS_SENT,         "SENT",         "Sent",         TRUE,  FALSE, SR_STATUS_GROUP_UNCONFIRMED, "unconfirmed" },
  { SR_STATUS_FAILED,       "FAILED",       "Failed",       TRUE,  TRUE,  SR_STATUS_GROUP_FAILED,      "failed" },
  { SR_STATUS_EXPIRED,      "EXPIRED",      "Expired",      TRUE,  TRUE,  SR_STATUS_GROUP_UNCONFIRMED, "unconfirmed" },
  { SR_STATUS_QUEUED,       "QUEUED",       "Queued",       TRUE,  FALSE, SR_STATUS_GROUP_PENDING,     "pending" },
  { SR_STATUS_SCHEDULED,    "SCHEDULED",    "Scheduled",    TRUE,  FALSE, SR_STATUS_GROUP_PENDING,     "pending" },
  { SR_STATUS_REJECTED,     "REJECTED",     "Rejected",     FALSE, TRUE,  SR_STATUS_GROUP_NOT_SENT,    "not-sent" },
  { SR_STATUS_UNSUBSCRIBED, "UNSUBSCRIBED", "Unsubscribed", FALSE, TRUE,  SR_STATUS_GROUP_NOT_SENT,    "not-sent" },
};

static void
test_status_table (void)
{
  g_assert_cmpuint (G_N_ELEMENTS (expected_statuses), ==, SR_N_STATUSES);

  for (gsize i = 0; i < G_N_ELEMENTS (expected_statuses); i++)
    {
      const ExpectedStatus *e = &expected_statuses[i];

      g_test_message ("status %s", e->name);
      g_assert_cmpstr (sr_status_to_string (e->status), ==, e->name);
      g_assert_cmpstr (sr_status_get_label (e->status), ==, e->label);
      g_assert_cmpint (sr_status_is_billable (e->status), ==, e->billable);
      g_assert_cmpint (sr_status_is_final (e->status), ==, e->final);
      g_assert_cmpint (sr_status_get_group (e->status), ==, e->group);
      g_assert_cmpstr (sr_status_get_style_class (e->status), ==, e->style_class);
    }
}

static void
test_status_billable_only_two_free (void)
{
  guint n_free = 0;

  for (SrStatus s = 0; s < SR_N_STATUSES; s++)
    {
      if (!sr_status_is_billable (s))
        n_free++;
    }

  g_assert_cmpuint (n_free, ==, 2);
  g_assert_false (sr_status_is_billable (SR_STATUS_REJECTED));
  g_assert_false (sr_status_is_billable (SR_STATUS_UNSUBSCRIBED));
}

static void
test_status_sent_and_expired_not_failures (void)
{
  /* SENT may still become DELIVERED, EXPIRED may have been received. */
  g_assert_cmpint (sr_status_get_group (SR_STATUS_SENT), !=, SR_STATUS_GROUP_FAILED);
  g_assert_cmpint (sr_status_get_group (SR_STATUS_EXPIRED), !=, SR_STATUS_GROUP_FAILED);
  g_assert_false (sr_status_is_final (SR_STATUS_SENT));
  g_assert_true (sr_status_is_final (SR_STATUS_EXPIRED));
}

static void
test_status_non_final_mask (void)
{
  guint expected = (1u << SR_STATUS_UNKNOWN) |
                   (1u << SR_STATUS_SENDING) |
                   (1u << SR_STATUS_SENT) |
                   (1u << SR_STATUS_QUEUED) |
                   (1u << SR_STATUS_SCHEDULED);

  g_assert_cmphex (sr_status_non_final_mask (), ==, expected);

  for (SrStatus s = 0; s < SR_N_STATUSES; s++)
    g_assert_cmpint (!!(sr_status_non_final_mask () & (1u << s)), ==, !sr_status_is_final (s));
}

static void
test_status_from_string (void)
{
  static const struct
  {
    const char *str;
    SrStatus    status;
  } cases[] = {
    { "DELIVERED", SR_STATUS_DELIVERED },
    { "delivered", SR_STATUS_DELIVERED },
    { "Delivered", SR_STATUS_DELIVERED },
    { "  DeLiVeReD\t\n", SR_STATUS_DELIVERED },
    { "SENDING", SR_STATUS_SENDING },
    { "sent", SR_STATUS_SENT },
    { " Sent ", SR_STATUS_SENT },
    { "FAILED", SR_STATUS_FAILED },
    { "expired", SR_STATUS_EXPIRED },
    { "QUEUED", SR_STATUS_QUEUED },
    { "scheduled", SR_STATUS_SCHEDULED },
    { "REJECTED", SR_STATUS_REJECTED },
    { "unsubscribed", SR_STATUS_UNSUBSCRIBED },
    /* Unknown values, including the ones SMS.to's dashboard mentions. */
    { "UNDELIVERED", SR_STATUS_UNKNOWN },
    { "PENDING", SR_STATUS_UNKNOWN },
    { "ONGOING", SR_STATUS_UNKNOWN },
    { "UNKNOWN", SR_STATUS_UNKNOWN },
    { "DELIVER", SR_STATUS_UNKNOWN },
    { "DELIVEREDX", SR_STATUS_UNKNOWN },
    { "SENT SENT", SR_STATUS_UNKNOWN },
    { "", SR_STATUS_UNKNOWN },
    { "   ", SR_STATUS_UNKNOWN },
    { NULL, SR_STATUS_UNKNOWN },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("“%s”", cases[i].str ? cases[i].str : "(null)");
      g_assert_cmpint (sr_status_from_string (cases[i].str), ==, cases[i].status);
    }

  /* Every known name round-trips. */
  for (SrStatus s = SR_STATUS_UNKNOWN + 1; s < SR_N_STATUSES; s++)
    g_assert_cmpint (sr_status_from_string (sr_status_to_string (s)), ==, s);
}

static void
test_status_out_of_range (void)
{
  /* A number from a newer cache must behave like an unknown status. */
  SrStatus bogus = (SrStatus) 99;

  g_assert_cmpstr (sr_status_to_string (bogus), ==, "UNKNOWN");
  g_assert_cmpstr (sr_status_get_label (bogus), ==, "Other");
  g_assert_cmpint (sr_status_get_group (bogus), ==, SR_STATUS_GROUP_OTHER);
  g_assert_cmpstr (sr_status_get_style_class (bogus), ==, "other");
  g_assert_false (sr_status_is_final (bogus));
  g_assert_cmpstr (sr_status_group_get_label ((SrStatusGroup) 42), ==, "Other");
}

static void
test_status_descriptions (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (SrStatus s = 0; s < SR_N_STATUSES; s++)
    {
      const char *description = sr_status_get_description (s);

      g_assert_nonnull (description);
      g_assert_cmpuint (strlen (description), >, 60);
      g_assert_true (g_utf8_validate (description, -1, NULL));
      g_assert_false (g_hash_table_contains (seen, description));
      g_hash_table_add (seen, (gpointer) description);

      /* The legend must say which statuses cost nothing. */
      if (s == SR_STATUS_REJECTED || s == SR_STATUS_UNSUBSCRIBED)
        g_assert_nonnull (strstr (description, "not billed"));
      else
        g_assert_null (strstr (description, "not billed"));
    }

  /* The facts users most often misread. */
  g_assert_nonnull (strstr (sr_status_get_description (SR_STATUS_SENT), "never confirm"));
  g_assert_nonnull (strstr (sr_status_get_description (SR_STATUS_SENT), "not a failure"));
  g_assert_nonnull (strstr (sr_status_get_description (SR_STATUS_EXPIRED), "may well have received"));
  g_assert_nonnull (strstr (sr_status_get_description (SR_STATUS_UNSUBSCRIBED), "opted out"));
  g_assert_nonnull (strstr (sr_status_get_description (SR_STATUS_REJECTED), "balance"));
}

static void
test_status_groups (void)
{
  static const struct
  {
    SrStatusGroup  group;
    const char    *label;
  } groups[] = {
    { SR_STATUS_GROUP_DELIVERED, "Delivered" },
    { SR_STATUS_GROUP_UNCONFIRMED, "Unconfirmed" },
    { SR_STATUS_GROUP_PENDING, "Pending" },
    { SR_STATUS_GROUP_FAILED, "Failed" },
    { SR_STATUS_GROUP_NOT_SENT, "Not sent" },
    { SR_STATUS_GROUP_OTHER, "Other" },
  };

  g_assert_cmpuint (G_N_ELEMENTS (groups), ==, SR_N_STATUS_GROUPS);

  for (gsize i = 0; i < G_N_ELEMENTS (groups); i++)
    g_assert_cmpstr (sr_status_group_get_label (groups[i].group), ==, groups[i].label);

  /* No group is empty, or charts would show a legend entry that never fills. */
  for (SrStatusGroup g = 0; g < SR_N_STATUS_GROUPS; g++)
    {
      guint n = 0;

      for (SrStatus s = 0; s < SR_N_STATUSES; s++)
        {
          if (sr_status_get_group (s) == g)
            n++;
        }
      g_assert_cmpuint (n, >=, 1);
    }
}

static void
test_status_enum_type (void)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (SR_TYPE_STATUS);

  g_assert_cmpuint (klass->n_values, ==, SR_N_STATUSES);
  g_assert_cmpint (g_enum_get_value (klass, SR_STATUS_SENT)->value, ==, SR_STATUS_SENT);
}

typedef struct
{
  const char *reason;
  gboolean    explained;
  gboolean    permanent;
  const char *needle;        /* a word the explanation must contain */
} ReasonCase;

static void
test_failure_reasons (void)
{
  static const ReasonCase cases[] = {
    /* The numbered GSM MAP reasons, as SMS.to shows them. */
    { "Unknown Subscriber", TRUE, TRUE, "no such number" },
    { "1 - Unknown Subscriber", TRUE, TRUE, "no such number" },
    { "(1) Unknown Subscriber", TRUE, TRUE, "no such number" },
    { "1: unknown subscriber.", TRUE, TRUE, "no such number" },
    { "#1 UNKNOWN_SUBSCRIBER", TRUE, TRUE, "no such number" },
    { "  \"Unknown  Subscriber\"  ", TRUE, TRUE, "no such number" },
    { "2 - Unknown Base Station", TRUE, FALSE, "cell" },
    { "3 - Equipment protocol Error", TRUE, FALSE, "protocol error" },
    { "4 - Equipment not equipped for SM", TRUE, TRUE, "cannot receive text messages" },
    { "Equipment not equipped for SMS", TRUE, TRUE, "cannot receive text messages" },
    { "5 - Unidentified Subscriber", TRUE, TRUE, "subscriber database" },
    { "6 - Illegal Subscriber", TRUE, TRUE, "authentication" },
    { "7 - Teleservice Not Provisioned", TRUE, TRUE, "subscription" },
    { "8 - Illegal Equipment", TRUE, TRUE, "IMEI" },
    /* The unnumbered ones. */
    { "Invalid Number", TRUE, TRUE, "valid format" },
    { "invalid-number", TRUE, TRUE, "valid format" },
    { "Absent Subscriber", TRUE, FALSE, "switched off" },
    { "Call Barred", TRUE, TRUE, "blocks" },
    { "System Failure", TRUE, FALSE, "inside the recipient’s network" },
    { "Network error", TRUE, FALSE, "inside the recipient’s network" },
    { "Memory Capacity Exceeded", TRUE, FALSE, "no room" },
    /* Anything else is shown verbatim without an invented explanation. */
    { "Carrier said no", FALSE, FALSE, NULL },
    { "Unknown", FALSE, FALSE, NULL },
    { "Subscriber", FALSE, FALSE, NULL },
    { "Unknown Subscriber please", FALSE, FALSE, NULL },
    { "1", FALSE, FALSE, NULL },
    { "12Unknown Subscriber", FALSE, FALSE, NULL },
    { "", FALSE, FALSE, NULL },
    { "---", FALSE, FALSE, NULL },
    { "Ünknown Subscriber", FALSE, FALSE, NULL },
    { NULL, FALSE, FALSE, NULL },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const ReasonCase *c = &cases[i];
      gboolean permanent = !c->permanent;
      const char *explanation;

      g_test_message ("reason “%s”", c->reason ? c->reason : "(null)");
      explanation = sr_failure_reason_explain (c->reason, &permanent);

      if (c->explained)
        {
          g_assert_nonnull (explanation);
          g_assert_nonnull (strstr (explanation, c->needle));
          g_assert_cmpint (permanent, ==, c->permanent);
          /* Says what the sender can do. */
          g_assert_true (strstr (explanation, "again later") != NULL ||
                         strstr (explanation, "number") != NULL ||
                         strstr (explanation, "another way") != NULL);
          if (!c->permanent)
            g_assert_nonnull (strstr (explanation, "again later"));
        }
      else
        {
          g_assert_null (explanation);
          g_assert_false (permanent);
        }
    }

  /* NULL out_permanent is allowed. */
  g_assert_nonnull (sr_failure_reason_explain ("Absent Subscriber", NULL));

  /* Very long input is not something we explain, and must not overflow. */
  {
    g_autofree char *long_reason = g_strnfill (10000, 'x');

    g_assert_null (sr_failure_reason_explain (long_reason, NULL));
  }
}

/* Issue 13 #5: statuses as received get human names, never raw upper case. */
static void
test_status_display_names (void)
{
  static const struct { SrStatus status; const char *raw; const char *name; } messages[] = {
    { SR_STATUS_DELIVERED, "DELIVERED", "Delivered" },
    { SR_STATUS_REJECTED, "rejected", "Rejected" },
    { SR_STATUS_UNKNOWN, "UNDELIVERED", "Undelivered" },
    { SR_STATUS_UNKNOWN, " ongoing ", "Ongoing" },
    { SR_STATUS_UNKNOWN, "PARTIALLY_DELIVERED", "Partially delivered" },
    { SR_STATUS_UNKNOWN, "", "Other" },
    { SR_STATUS_UNKNOWN, NULL, "Other" },
  };
  static const struct { const char *raw; const char *label; } campaigns[] = {
    { "COMPLETED", "Completed" },
    { "SENDING", "Sending" },
    { "SCHEDULED", "Scheduled" },
    { "CANCELED", "Canceled" },
    { "cancelled", "Canceled" },
    { "WAITING_FOR_APPROVAL", "Waiting for approval" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (messages); i++)
    {
      g_autofree char *name = sr_status_dup_display_name (messages[i].status, messages[i].raw);

      g_assert_cmpstr (name, ==, messages[i].name);
    }

  for (gsize i = 0; i < G_N_ELEMENTS (campaigns); i++)
    {
      g_autofree char *label = sr_campaign_status_dup_label (campaigns[i].raw);

      g_assert_cmpstr (label, ==, campaigns[i].label);
    }
  g_assert_null (sr_campaign_status_dup_label (NULL));
  g_assert_null (sr_campaign_status_dup_label ("  "));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/status/table", test_status_table);
  g_test_add_func ("/status/billable-only-two-free", test_status_billable_only_two_free);
  g_test_add_func ("/status/sent-expired-not-failures", test_status_sent_and_expired_not_failures);
  g_test_add_func ("/status/non-final-mask", test_status_non_final_mask);
  g_test_add_func ("/status/from-string", test_status_from_string);
  g_test_add_func ("/status/out-of-range", test_status_out_of_range);
  g_test_add_func ("/status/descriptions", test_status_descriptions);
  g_test_add_func ("/status/groups", test_status_groups);
  g_test_add_func ("/status/enum-type", test_status_enum_type);
  g_test_add_func ("/status/failure-reasons", test_failure_reasons);
  g_test_add_func ("/status/display-names", test_status_display_names);

  return g_test_run ();
}
