/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-i18n.c: the real SrWindow under LANGUAGE=de (or el), against the
 * sandbox server. Checks that the window's labels are the translations from
 * po/<lang>.po, that no label on screen is still an English source string,
 * and that numbers and dates follow the locale.
 *
 * Environment (set by tests/i18n/meson.build):
 *   SR_TEST_LANG      de or el
 *   SR_TEST_LOCALE    the glibc locale, e.g. de_DE.UTF-8
 *   SR_TEST_MO        the catalog compiled from po/<lang>.po
 *   SR_ENSURE_LOCALE  tests/i18n/ensure-locale.sh, which generates the
 *                     locale when it is missing (root only); without the
 *                     locale the whole test is a TAP skip
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <langinfo.h>
#include <locale.h>
#include <string.h>
#include <time.h>

#include "sr-cells.h"
#include "sr-core.h"
#include "sr-format.h"
#include "sr-legend-window.h"
#include "sr-resources.h"
#include "sr-status-pill.h"
#include "sr-test-loop.h"
#include "sr-test-sandbox.h"
#include "sr-test-window.h"
#include "sr-window-private.h"

#define N_MESSAGES  "1500"
#define N_CAMPAIGNS "6"

/* What po/<lang>.po says for a few strings (kept in step with it by hand:
 * a change of wording there must be made here too). */
typedef struct
{
  const char *lang;
  const char *dashboard;          /* "Dashboard" (sidebar) */
  const char *reports;            /* "Reports" (sidebar heading) */
  const char *messages_log;       /* "Messages Log" */
  const char *campaign_log;       /* "Campaign Log" */
  const char *welcome;            /* "Welcome to SMS Reports" */
  const char *sign_in;            /* "_Sign In", as shown (no underline) */
  const char *refused;            /* start of the refused-key error */
  const char *n_messages;         /* what follows the number in "%s messages" */
  const char *recipient;          /* "Recipient" (column) */
  const char *cost;               /* "Cost" (column) */
  const char *delivered;          /* "Delivered" (status) */
  const char *expired;            /* "Expired" (status) */
  const char *thousands;          /* digit grouping of LC_NUMERIC, "" for none */
  const char *percent;            /* sr_format_percent (0.973) */
} Expected;

static const Expected expectations[] = {
  {
    "de",
    "Übersicht",
    "Berichte",
    "Nachrichtenprotokoll",
    "Kampagnenprotokoll",
    "Willkommen bei SMS Reports",
    "Anmelden",
    "SMS.to hat diesen API-Schlüssel abgelehnt.",
    " Nachrichten",
    "Empfänger",
    "Kosten",
    "Zugestellt",
    "Abgelaufen",
    ".",
    "97,3\u00a0%",
  },
  {
    "el",
    "Πίνακας ελέγχου",
    "Αναφορές",
    "Αρχείο μηνυμάτων",
    "Αρχείο καμπανιών",
    "Καλώς ήρθατε στο SMS Reports",
    "Σύνδεση",
    "Το SMS.to απέρριψε αυτό το κλειδί API.",
    " μηνύματα",
    "Παραλήπτης",
    "Κόστος",
    "Παραδόθηκε",
    "Έληξε",
    /* glibc's el_GR groups money only (LC_NUMERIC grouping 0;0), so plain
     * numbers have no separator, whatever CLDR says. */
    "",
    "97,3%",
  },
};

static const Expected *expected;
static SrTestSandbox  *sandbox;
static char           *locale_dir;

static SrWindow *
new_window (const char *data_dir,
            const char *api_key)
{
  const char *url = sr_test_sandbox_get_url (sandbox);
  SrWindow *window = sr_window_new_for_test (url, url, data_dir, api_key);

  /* Wide enough for the sidebar and the content side by side. */
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 900);
  gtk_window_present (GTK_WINDOW (window));

  return window;
}

/* --- labels on screen --- */

/* The texts of the labels currently mapped under widget: a GtkLabel's
 * text and label, and what the logs draw themselves, their cells' and
 * status pills' texts. Owned by the widgets. */
static void
collect_labels (GtkWidget *widget,
                GPtrArray *labels)
{
  if (!gtk_widget_get_mapped (widget))
    return;

  if (GTK_IS_LABEL (widget))
    {
      g_ptr_array_add (labels, (gpointer) gtk_label_get_text (GTK_LABEL (widget)));
      if (g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), gtk_label_get_text (GTK_LABEL (widget))) != 0)
        g_ptr_array_add (labels, (gpointer) gtk_label_get_label (GTK_LABEL (widget)));
    }
  else if (SR_IS_CELL (widget))
    g_ptr_array_add (labels, (gpointer) sr_cell_get_text (widget));
  else if (SR_IS_STATUS_PILL (widget))
    g_ptr_array_add (labels, (gpointer) sr_status_pill_get_text (SR_STATUS_PILL (widget)));

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_labels (child, labels);
}

/* The label texts currently mapped in @window, after letting it settle. */
static GPtrArray *
shown_labels (gpointer window)
{
  GPtrArray *labels = g_ptr_array_new ();

  sr_test_spin (200);
  collect_labels (GTK_WIDGET (window), labels);
  return labels;
}

static gboolean
has_label (GPtrArray  *labels,
           const char *text)
{
  for (guint i = 0; i < labels->len; i++)
    if (g_strcmp0 (g_ptr_array_index (labels, i), text) == 0)
      return TRUE;

  return FALSE;
}

static void
assert_has_label (GPtrArray  *labels,
                  const char *text,
                  const char *where)
{
  if (!has_label (labels, text))
    {
      g_autoptr(GString) shown = g_string_new (NULL);

      for (guint i = 0; i < labels->len; i++)
        g_string_append_printf (shown, "\n  “%s”", (const char *) g_ptr_array_index (labels, i));
      g_error ("%s: no label “%s” on screen; the labels shown are:%s", where, text, shown->str);
    }
}

/* A label whose text is an English source string with a translation is a
 * string the window forgot to translate: gettext() would have changed it.
 * (A translated label is not a msgid, so gettext() returns it unchanged.) */
static void
assert_no_english (GPtrArray  *labels,
                   const char *where)
{
  g_autoptr(GString) untranslated = g_string_new (NULL);
  guint n_checked = 0;

  for (guint i = 0; i < labels->len; i++)
    {
      const char *text = g_ptr_array_index (labels, i);
      const char *translated;

      if (text == NULL || *text == '\0')
        continue;
      n_checked++;
      translated = gettext (text);
      if (g_strcmp0 (translated, text) != 0)
        g_string_append_printf (untranslated, "\n  “%s” (should be “%s”)", text, translated);
    }

  g_test_message ("%s: %u label texts checked", where, n_checked);
  g_assert_cmpuint (n_checked, >, 0);
  if (untranslated->len > 0)
    g_error ("%s: labels still in English:%s", where, untranslated->str);
}

/* 1500 → "1.500" (with sep "."): written out here rather than through the
 * app's formatter. */
static char *
group_thousands (guint64     n,
                 const char *sep)
{
  g_autofree char *digits = g_strdup_printf ("%" G_GUINT64_FORMAT, n);
  GString *out = g_string_new (NULL);
  gsize len = strlen (digits);

  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append (out, sep);
      g_string_append_c (out, digits[i]);
    }

  return g_string_free (out, FALSE);
}

/* What a list shows for 2026-11-27 14:05 UTC, worked out from the C
 * library's own data for the locale (its date order and separators, "%x";
 * whether its time of day, "%X", uses a 12-hour clock, and its pm word) with
 * strftime() rather than through GLib or the app. The locale data change
 * between glibc versions (el_GR's clock became 24-hour in glibc 2.41), so
 * they are not written out here. */
static char *
expected_list_time (void)
{
  struct tm tm = { .tm_year = 2026 - 1900, .tm_mon = 10, .tm_mday = 27,
                   .tm_hour = 14, .tm_min = 5, .tm_isdst = 0 };
  char date[128], time_of_day[128];

  /* The locale's date, whatever it does with the year (the app shows %x
   * too). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-y2k"
  g_assert_cmpuint (strftime (date, sizeof date, "%x", &tm), >, 0);
#pragma GCC diagnostic pop
  g_assert_cmpuint (strftime (time_of_day, sizeof time_of_day, "%X", &tm), >, 0);
  g_test_message ("C library: date “%s”, time “%s”, pm “%s”", date, time_of_day, nl_langinfo (PM_STR));

  if (strstr (time_of_day, "14") != NULL)
    return g_strdup_printf ("%s 14:05", date);
  /* 12-hour clock: no zero padding, one space before the pm word (if the
   * locale has one; compared without regard to case). */
  if (*nl_langinfo (PM_STR) == '\0')
    return g_strdup_printf ("%s 2:05", date);
  return g_strdup_printf ("%s 2:05 %s", date, nl_langinfo (PM_STR));
}

/* --- tests --- */

static void
test_catalog_is_bound (void)
{
  g_autofree char *n_messages = g_strconcat ("%s", expected->n_messages, NULL);

  g_assert_cmpstr (setlocale (LC_MESSAGES, NULL), ==, g_getenv ("SR_TEST_LOCALE"));
  g_assert_cmpstr (gettext ("Messages Log"), ==, expected->messages_log);
  g_assert_cmpstr (ngettext ("%s message", "%s messages", 2), ==, n_messages);
  /* The app name stays as it is. */
  g_assert_cmpstr (gettext ("SMS Reports"), ==, "SMS Reports");
}

/* Issue 13 #19: the app run from the build tree (build-aux/demo, meson
 * devenv) finds the catalogs compiled there, not only installed ones. */
static void
test_uninstalled_app_is_translated (void)
{
  const char *app = g_getenv ("SR_APP_PATH");
  const char *argv[] = { app, "--help", NULL };
  const char *translated = gettext ("Show the version and quit");
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  int status = 0;

  if (app == NULL)
    {
      g_test_skip ("SR_APP_PATH is not set");
      return;
    }
  g_assert_cmpstr (translated, !=, "Show the version and quit");

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_test_message ("%s", out);
  g_assert_nonnull (strstr (out, translated));
}

static void
test_numbers_and_dates (void)
{
  g_autofree char *count = sr_format_count (1234567);
  g_autofree char *expected_count = group_thousands (1234567, expected->thousands);
  g_autofree char *small = sr_format_count (999);
  g_autofree char *expected_money = NULL;
  g_autofree char *money = sr_format_money (1234.5, "EUR", 2);
  g_autofree char *percent = sr_format_percent (0.973);
  g_autoptr(GDateTime) dt = g_date_time_new_utc (2026, 11, 27, 14, 5, 0);
  g_autofree char *date = sr_format_time (g_date_time_to_unix (dt) * G_USEC_PER_SEC, TRUE);
  g_autofree char *expected_date = expected_list_time ();

  g_assert_cmpstr (count, ==, expected_count);
  g_assert_cmpstr (small, ==, "999");
  if (g_str_equal (expected->lang, "de"))
    {
      g_autofree char *five = sr_format_count (12345);
      g_assert_cmpstr (five, ==, "12.345");
    }
  /* Decimal comma, grouping and the ISO currency code. */
  expected_money = g_strdup_printf ("1%s234,50", expected->thousands);
  g_assert_nonnull (strstr (money, expected_money));
  g_assert_nonnull (strstr (money, "EUR"));
  g_assert_cmpstr (percent, ==, expected->percent);
  g_test_message ("money “%s”, date “%s”", money, date);
  /* The locale's date order and clock (GSETTINGS_BACKEND=memory: no
   * clock-format of the user's), single spaces (no figure space from a
   * padded %l). */
  {
    /* GLib writes the am/pm word in capitals ("ΜΜ" for glibc's "μμ"). */
    g_autofree char *date_folded = g_utf8_casefold (date, -1);
    g_autofree char *expected_folded = g_utf8_casefold (expected_date, -1);

    g_assert_cmpstr (date_folded, ==, expected_folded);
  }
  /* Whatever the locale data: not the C locale's ISO date, the day before
   * the month (German and Greek), and no figure space. */
  g_assert_null (strstr (date, "2026-11-27"));
  g_assert_nonnull (strstr (date, "27"));
  g_assert_nonnull (strstr (date, "11"));
  g_assert_true (strstr (date, "27") < strstr (date, "11"));
  g_assert_null (strstr (date, "\u2007"));
  g_assert_null (strstr (date, "  "));
}

static void
test_sign_in_page (void)
{
  g_autofree char *dir = sr_test_make_tmpdir ("test-i18n-signin");
  g_autoptr(GPtrArray) labels = NULL;
  g_autoptr(GPtrArray) after = NULL;
  SrSignInPage *page;
  SrWindow *window;
  const char *error_text;

  window = new_window (dir, NULL);
  sr_test_wait_until (sr_test_window_left_loading, window, 10, "the first page");
  g_assert_cmpstr (sr_window_get_visible_page (window), ==, "sign-in");

  labels = shown_labels (window);
  assert_has_label (labels, expected->welcome, "sign-in page");
  assert_has_label (labels, expected->sign_in, "sign-in page");
  assert_no_english (labels, "sign-in page");

  /* A refused key is explained in the language too. */
  page = sr_window_get_sign_in_page (window);
  sr_sign_in_page_set_urls (page, sr_test_sandbox_get_url (sandbox), sr_test_sandbox_get_url (sandbox));
  sr_sign_in_page_set_key (page, "not-the-key");
  sr_sign_in_page_submit (page);
  sr_test_wait_until (sr_test_sign_in_settled, page, 60, "the key check");

  error_text = sr_sign_in_page_get_error_text (page);
  g_assert_nonnull (error_text);
  g_test_message ("refused: “%s”", error_text);
  g_assert_true (g_str_has_prefix (error_text, expected->refused));

  after = shown_labels (window);
  assert_no_english (after, "sign-in page with an error");

  sr_test_window_close (window);
  sr_test_remove_tree (dir);
}

static void
test_reports_window (void)
{
  g_autofree char *dir = sr_test_make_tmpdir ("test-i18n-reports");
  g_autofree char *grouped = NULL;
  g_autofree char *count_text = NULL;
  g_autoptr(GPtrArray) labels = NULL;
  SrMessageList *list;
  SrWindow *window;
  guint n;

  window = new_window (dir, sr_test_sandbox_get_api_key (sandbox));
  sr_test_wait_until (sr_test_window_shows_reports, window, 60, "the reports page");
  sr_test_wait_until (sr_test_window_session_idle, window, 120, "the first sync");

  /* Dashboard, with the sidebar. */
  sr_window_show_content_page (window, "dashboard");
  labels = shown_labels (window);
  assert_has_label (labels, expected->dashboard, "sidebar");
  assert_has_label (labels, expected->reports, "sidebar");
  assert_has_label (labels, expected->messages_log, "sidebar");
  assert_has_label (labels, expected->campaign_log, "sidebar");
  assert_no_english (labels, "dashboard");
  g_clear_pointer (&labels, g_ptr_array_unref);

  /* Messages Log: column titles, status pills, the count with grouping. */
  sr_window_show_content_page (window, "messages");
  list = sr_messages_page_get_list (sr_window_get_messages_page (window));
  sr_message_list_reload (list);
  sr_test_wait_until (sr_test_window_messages_ready, window, 60, "the Messages Log");
  n = g_list_model_get_n_items (G_LIST_MODEL (list));
  g_assert_cmpuint (n, >=, 1000);

  labels = shown_labels (window);
  assert_has_label (labels, expected->recipient, "Messages Log");
  assert_has_label (labels, expected->cost, "Messages Log");
  assert_no_english (labels, "Messages Log");
  g_clear_pointer (&labels, g_ptr_array_unref);

  grouped = group_thousands (n, expected->thousands);
  count_text = g_strconcat (grouped, expected->n_messages, NULL);
  g_assert_cmpstr (sr_messages_page_get_count_text (sr_window_get_messages_page (window)), ==, count_text);

  /* Campaign Log. */
  sr_window_show_content_page (window, "campaigns");
  sr_test_wait_until (sr_test_window_campaigns_ready, window, 30, "the Campaign Log");
  labels = shown_labels (window);
  assert_no_english (labels, "Campaign Log");

  sr_test_window_close (window);
  sr_test_remove_tree (dir);
}

static void
test_status_legend (void)
{
  GtkWidget *legend = sr_legend_window_new ();
  g_autoptr(GPtrArray) labels = NULL;

  gtk_window_set_default_size (GTK_WINDOW (legend), 600, 2000);
  gtk_window_present (GTK_WINDOW (legend));
  labels = shown_labels (legend);

  assert_has_label (labels, expected->delivered, "status legend");
  assert_has_label (labels, expected->expired, "status legend");
  assert_no_english (labels, "status legend");

  gtk_window_destroy (GTK_WINDOW (legend));
  sr_test_spin (50);
}

/* --- set-up --- */

static const Expected *
find_expected (const char *lang)
{
  for (guint i = 0; i < G_N_ELEMENTS (expectations); i++)
    if (g_strcmp0 (expectations[i].lang, lang) == 0)
      return &expectations[i];

  return NULL;
}

/* Runs ensure-locale.sh for @locale. FALSE with the reason when the locale
 * is missing and cannot be generated. */
static gboolean
ensure_locale (const char  *locale,
               char       **reason)
{
  const char *script = g_getenv ("SR_ENSURE_LOCALE");
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  int status = 0;

  if (script != NULL)
    {
      const char *argv[] = { "/bin/sh", script, locale, NULL };

      if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                         &out, NULL, &status, &error))
        {
          *reason = g_strdup_printf ("cannot run %s: %s", script, error->message);
          return FALSE;
        }
      if (!g_spawn_check_wait_status (status, NULL))
        {
          *reason = g_strdup (out != NULL && *g_strstrip (out) != '\0'
                                ? out : "ensure-locale.sh failed");
          return FALSE;
        }
    }

  if (setlocale (LC_ALL, "") == NULL)
    {
      *reason = g_strdup_printf ("the locale %s is not available", locale);
      return FALSE;
    }

  return TRUE;
}

/* Copies the compiled catalog into <tmp>/<lang>/LC_MESSAGES/ and binds the
 * text domain there, as main() binds it to LOCALEDIR. */
static void
bind_catalog (const char *lang)
{
  const char *mo = g_getenv ("SR_TEST_MO");
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *messages_dir = NULL;
  g_autofree char *target = NULL;
  gsize length = 0;

  if (mo == NULL)
    g_error ("SR_TEST_MO is not set: run this test through `meson test`");

  if (!g_file_get_contents (mo, &contents, &length, &error))
    g_error ("Cannot read the catalog: %s", error->message);

  locale_dir = sr_test_make_tmpdir ("test-i18n-locale");
  messages_dir = g_build_filename (locale_dir, lang, "LC_MESSAGES", NULL);
  g_assert_cmpint (g_mkdir_with_parents (messages_dir, 0700), ==, 0);
  target = g_build_filename (messages_dir, GETTEXT_PACKAGE ".mo", NULL);
  if (!g_file_set_contents (target, contents, length, &error))
    g_error ("Cannot write the catalog: %s", error->message);

  bindtextdomain (GETTEXT_PACKAGE, locale_dir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

int
main (int   argc,
      char *argv[])
{
  const char *lang = g_getenv ("SR_TEST_LANG");
  const char *locale = g_getenv ("SR_TEST_LOCALE");
  g_autofree char *reason = NULL;
  int ret;

  if (lang == NULL)
    lang = "de";
  expected = find_expected (lang);
  if (expected == NULL)
    g_error ("No expectations for SR_TEST_LANG=%s", lang);
  if (locale == NULL)
    locale = g_str_equal (lang, "el") ? "el_GR.UTF-8" : "de_DE.UTF-8";

  /* What a user of this language has; LC_ALL wins over anything inherited. */
  g_setenv ("SR_TEST_LOCALE", locale, TRUE);
  g_setenv ("LANGUAGE", lang, TRUE);
  g_setenv ("LANG", locale, TRUE);
  g_setenv ("LC_ALL", locale, TRUE);

  g_test_init (&argc, &argv, NULL);

  if (!ensure_locale (locale, &reason))
    {
      g_print ("1..0 # SKIP %s\n", reason);
      return 0;
    }

  bind_catalog (lang);

  if (!gtk_init_check ())
    {
      g_print ("1..0 # SKIP no display\n");
      sr_test_remove_tree (locale_dir);
      return 0;
    }
  adw_init ();
  sr_register_resource ();

  sandbox = sr_test_sandbox_start ("--messages", N_MESSAGES, "--campaigns", N_CAMPAIGNS, NULL);

  g_test_add_func ("/i18n/catalog-is-bound", test_catalog_is_bound);
  g_test_add_func ("/i18n/uninstalled-app-is-translated", test_uninstalled_app_is_translated);
  g_test_add_func ("/i18n/numbers-and-dates", test_numbers_and_dates);
  g_test_add_func ("/i18n/sign-in-page", test_sign_in_page);
  g_test_add_func ("/i18n/reports-window", test_reports_window);
  g_test_add_func ("/i18n/status-legend", test_status_legend);

  ret = g_test_run ();

  g_clear_pointer (&sandbox, sr_test_sandbox_free);
  sr_test_remove_tree (locale_dir);
  g_clear_pointer (&locale_dir, g_free);

  return ret;
}
