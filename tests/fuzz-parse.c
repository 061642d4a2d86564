/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * fuzz-parse.c: a libFuzzer harness for sr-api-parse.c. Every input goes
 * through every parser entry point; a crash, a sanitizer report, a GLib
 * warning or critical, or a result that breaks the parser's promises (a
 * record without an id, invalid UTF-8, an error together with a result)
 * aborts the run. Message pages are also read by the fast path and by the
 * json-glib path separately (sr-api-parse-private.h): when the fast path
 * answers, its page must be the json-glib page field by field, and the
 * public function must give the json-glib result, error message included.
 *
 * Not registered in meson: it needs clang's libFuzzer. To build and run it
 * from the top of the source tree (any build dir provides config.h and the
 * generated sr-enums.[ch]):
 *
 *   meson setup _build-fuzz -Dapp=disabled
 *   ninja -C _build-fuzz src/core/sr-enums.h src/core/sr-enums.c
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined \
 *     -I_build-fuzz -I_build-fuzz/src/core -Isrc/core \
 *     tests/fuzz-parse.c src/core/sr-api-parse.c src/core/sr-json-reader.c src/core/sr-status.c \
 *     src/core/sr-message.c src/core/sr-campaign.c _build-fuzz/src/core/sr-enums.c \
 *     $(pkg-config --cflags --libs gio-2.0 json-glib-1.0) -lm \
 *     -o _build-fuzz/fuzz-parse
 *   mkdir -p _build-fuzz/corpus
 *   ./_build-fuzz/fuzz-parse -max_total_time=600 -max_len=65536 \
 *     _build-fuzz/corpus tests/data
 *
 * Without clang, add -DSR_FUZZ_STANDALONE and build with gcc (drop
 * "fuzzer," from -fsanitize): the program then parses the files named on
 * its command line, to replay a crashing input.
 */

#define G_LOG_DOMAIN "fuzz-parse"

#include "config.h"

#include <glib/gi18n.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sr-api-client.h"
#include "sr-api-parse.h"
#include "sr-api-parse-private.h"
#include "sr-campaign.h"
#include "sr-message.h"

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

/* The real domain lives in sr-api-client.c, which would drag libsoup into
 * this build; the weak definition is only used when that file is absent. */
__attribute__((weak)) GQuark
sr_api_error_quark (void)
{
  return g_quark_from_static_string ("sr-api-error-quark");
}

/* libFuzzer catches SIGABRT but not the SIGTRAP of g_error(), so every
 * failure, ours or a GLib warning, ends in abort() to get a crash file. */
G_GNUC_NORETURN G_GNUC_PRINTF (1, 2) static void
fail (const char *format,
      ...)
{
  va_list args;

  va_start (args, format);
  vfprintf (stderr, format, args);
  va_end (args);
  fputc ('\n', stderr);
  abort ();
}

static GLogWriterOutput
abort_on_warnings (GLogLevelFlags   log_level,
                   const GLogField *fields,
                   gsize            n_fields,
                   gpointer         user_data)
{
  g_log_writer_standard_streams (log_level, fields, n_fields, user_data);

  if (log_level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    abort ();

  return G_LOG_WRITER_HANDLED;
}

static void
check_string (const char *str)
{
  if (str != NULL && !g_utf8_validate (str, -1, NULL))
    fail ("invalid UTF-8 in a parsed string: %s", str);
}

static void
check_message (SrMessage *message)
{
  const char *id = sr_message_get_id (message);

  if (id == NULL || id[0] == '\0')
    fail ("message without an id");
  if (sr_message_get_status_raw (message) == NULL)
    fail ("message without status_raw");
  if (sr_message_get_sms_count (message) < 0)
    fail ("negative sms_count");

  check_string (id);
  check_string (sr_message_get_status_raw (message));
  check_string (sr_message_get_to (message));
  check_string (sr_message_get_message (message));
  check_string (sr_message_get_failed_reason (message));
}

static void
check_campaign (SrCampaign *campaign)
{
  const char *id = sr_campaign_get_id (campaign);
  double rate = sr_campaign_get_delivery_rate (campaign);

  if (id == NULL || id[0] == '\0')
    fail ("campaign without an id");
  if (sr_campaign_get_recipients (campaign) < 0)
    fail ("negative recipients");
  if (rate != -1.0 && (rate < 0.0 || rate > 1.0))
    fail ("delivery rate out of range");

  check_string (id);
  check_string (sr_campaign_get_status (campaign));
}

static void
check_error (gboolean  has_result,
             GError   *error)
{
  if (has_result == (error != NULL))
    fail ("a result and an error must never come together, nor both be missing");
  if (error != NULL)
    check_string (error->message);
}

/* The first field that differs, or NULL; doubles bit for bit. */
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

  if (memcmp (&cost_a, &cost_b, sizeof cost_a) != 0)
    return "sr_message_get_cost";

  return NULL;
}

static void
check_same_page (SrPage     *a,
                 SrPage     *b,
                 const char *what)
{
  if (a->info.current_page != b->info.current_page || a->info.last_page != b->info.last_page ||
      a->info.per_page != b->info.per_page || a->info.total != b->info.total)
    fail ("%s: different envelope", what);
  if (a->info.n_skipped != b->info.n_skipped)
    fail ("%s: different skipped count", what);
  if (a->n_bytes != b->n_bytes)
    fail ("%s: different n_bytes", what);
  if (a->items->len != b->items->len)
    fail ("%s: %u records against %u", what, a->items->len, b->items->len);

  for (guint i = 0; i < a->items->len; i++)
    {
      const char *difference = message_difference (g_ptr_array_index (a->items, i),
                                                   g_ptr_array_index (b->items, i));

      if (difference != NULL)
        fail ("%s: record %u differs in %s", what, i, difference);
    }
}

/* The fast path of message pages against the json-glib path. */
static void
check_message_page_paths (GBytes *body)
{
  g_autoptr(GError) slow_error = NULL;
  g_autoptr(GError) error = NULL;
  SrPage *slow = sr_api_parse_messages_page_slow (body, &slow_error);
  SrPage *fast = sr_api_parse_messages_page_fast (body);
  SrPage *page = sr_api_parse_messages_page (body, &error);
  /* the public function reads the body with its text repaired */
  guint n_repairs = 0;
  g_autoptr(GBytes) repaired = sr_api_parse_repair_body (body, &n_repairs);
  g_autoptr(GError) repaired_error = NULL;
  g_autoptr(SrPage) slow_repaired = sr_api_parse_messages_page_slow (repaired, &repaired_error);

  check_error (slow != NULL, slow_error);
  check_error (page != NULL, error);
  if (slow_repaired != NULL)
    slow_repaired->n_bytes = g_bytes_get_size (body);

  if (fast != NULL)
    {
      if (slow == NULL)
        fail ("the fast path read a page json-glib rejects: %s", slow_error->message);
      check_same_page (fast, slow, "fast path");
    }

  if (slow_repaired == NULL)
    {
      if (error == NULL || error->domain != repaired_error->domain || error->code != repaired_error->code ||
          g_strcmp0 (error->message, repaired_error->message) != 0)
        fail ("a different error: %s", error != NULL ? error->message : "(none)");
    }
  else
    check_same_page (page, slow_repaired, "public function");

  g_clear_pointer (&slow, sr_page_free);
  g_clear_pointer (&fast, sr_page_free);
  g_clear_pointer (&page, sr_page_free);
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_log_set_writer_func (abort_on_warnings, NULL, NULL);
  return 0;
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GBytes) body = g_bytes_new (data, size);
  g_autoptr(GError) error = NULL;
  g_autofree char *currency = NULL;
  g_autofree char *message = NULL;
  SrPage *page;
  SrMessage *record;
  SrCampaign *campaign;
  double balance;
  gboolean ok;

  page = sr_api_parse_messages_page (body, &error);
  check_error (page != NULL, error);
  for (guint i = 0; page != NULL && i < page->items->len; i++)
    check_message (g_ptr_array_index (page->items, i));
  g_clear_pointer (&page, sr_page_free);
  g_clear_error (&error);

  check_message_page_paths (body);

  page = sr_api_parse_campaigns_page (body, &error);
  check_error (page != NULL, error);
  for (guint i = 0; page != NULL && i < page->items->len; i++)
    check_campaign (g_ptr_array_index (page->items, i));
  g_clear_pointer (&page, sr_page_free);
  g_clear_error (&error);

  record = sr_api_parse_message (body, &error);
  check_error (record != NULL, error);
  if (record != NULL)
    check_message (record);
  g_clear_object (&record);
  g_clear_error (&error);

  campaign = sr_api_parse_campaign (body, &error);
  check_error (campaign != NULL, error);
  if (campaign != NULL)
    check_campaign (campaign);
  g_clear_object (&campaign);
  g_clear_error (&error);

  ok = sr_api_parse_balance (body, &balance, &currency, &error);
  check_error (ok, error);
  check_string (currency);
  g_clear_error (&error);

  message = sr_api_parse_error_message (body);
  check_string (message);

  /* The time parser on its own, as a NUL-terminated string. */
  if (size < 128)
    {
      g_autofree char *str = g_strndup ((const char *) data, size);
      gint64 usec;

      /* Zone offsets can push year 0000 or 9999 out of four digits. */
      if (sr_api_parse_time (str, &usec) &&
          usec > G_GINT64_CONSTANT (-62135596800000000) &&
          usec < G_GINT64_CONSTANT (253402214400000000))
        {
          g_autofree char *iso = sr_api_format_iso_time (usec);
          gint64 again = 0;

          if (!sr_api_parse_time (iso, &again) || again != usec)
            fail ("time does not survive a round trip: %s", iso);
        }
    }

  return 0;
}

#ifdef SR_FUZZ_STANDALONE
int
main (int   argc,
      char *argv[])
{
  LLVMFuzzerInitialize (&argc, &argv);

  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *contents = NULL;
      gsize len = 0;

      if (!g_file_get_contents (argv[i], &contents, &len, &error))
        fail ("%s", error->message);

      LLVMFuzzerTestOneInput ((const guint8 *) contents, len);
      g_print ("%s: ok\n", argv[i]);
    }

  return EXIT_SUCCESS;
}
#endif
