/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-message-search.c: the search behind GNOME Shell's search provider
 * (sr-message-search.c) on a cache filled from the sandbox. Every query is
 * checked against a plain scan of all cached messages with the Messages
 * Log's search rules in C (every word at the start of a word of the text or
 * the sender id, any case; a number anywhere in the recipient, its '+'
 * optional): the same messages, newest first, at most the limit.
 */

#include "config.h"

#include <string.h>

#include "sr-core.h"
#include "sr-cache-private.h"
#include "sr-message-private.h"
#include "sr-test-sandbox.h"

#define N_MESSAGES 3000

static struct
{
  SrTestSandbox *sandbox;
  char          *dir;
  SrCache       *cache;
  GPtrArray     *all;      /* every cached message, newest first */
} shared;

static void
on_sync_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
on_result_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
ensure_shared_cache (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrApiClient) client = NULL;
  g_autoptr(SrSync) sync = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *path = NULL;
  SrSyncSummary summary;

  if (shared.cache != NULL)
    return;

  shared.sandbox = sr_test_sandbox_start ("--messages", G_STRINGIFY (N_MESSAGES), "--campaigns", "30",
                                          "--seed", "11", NULL);
  shared.dir = sr_test_make_tmpdir ("test-message-search");
  path = g_build_filename (shared.dir, "account.db", NULL);
  shared.cache = sr_cache_open (path, &error);
  g_assert_no_error (error);

  client = sr_api_client_new (sr_test_sandbox_get_url (shared.sandbox),
                              sr_test_sandbox_get_url (shared.sandbox),
                              sr_test_sandbox_get_api_key (shared.sandbox), &error);
  g_assert_no_error (error);
  sync = sr_sync_new (client, shared.cache);
  sr_sync_run_async (sync, NULL, on_sync_done_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (sr_sync_run_finish (sync, result, &summary, &error));
  g_assert_no_error (error);

  shared.all = sr_cache_query_messages (shared.cache, NULL, SR_MESSAGE_SORT_CREATED, TRUE, -1, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (shared.all->len, ==, N_MESSAGES);
}

static void
free_shared_cache (void)
{
  g_clear_pointer (&shared.all, g_ptr_array_unref);
  if (shared.cache != NULL)
    sr_cache_close (shared.cache);
  g_clear_object (&shared.cache);
  g_clear_pointer (&shared.sandbox, sr_test_sandbox_free);
  if (shared.dir != NULL)
    sr_test_remove_tree (shared.dir);
  g_clear_pointer (&shared.dir, g_free);
}

/* --- the rule, independently --- */

static gboolean
field_has (const char *field,
           const char *term)
{
  g_autofree char *f = NULL;
  g_autofree char *t = NULL;

  if (field == NULL)
    return FALSE;
  f = g_utf8_casefold (field, -1);
  t = g_utf8_casefold (term, -1);
  return strstr (f, t) != NULL;
}

/* The reference: the Messages Log's search rules in C (checked against
 * the SQL by test-cache), on every cached message. */
static gboolean
reference_matches (SrMessage  *message,
                   const char *query)
{
  g_auto(GStrv) words = g_strsplit_set (query, " ", -1);
  g_auto(GStrv) terms = sr_message_search_normalize_terms ((const char * const *) words);

  return terms != NULL && sr_message_search_matches (message, (const char * const *) terms);
}

/* Runs the search for query (split into terms as Shell does) and checks it
 * against the scan; returns how many the scan found in all. */
static guint
check_query (const char *query,
             guint       limit)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) terms = g_strsplit (query, " ", -1);
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GPtrArray) expected = g_ptr_array_new ();
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);

  ensure_shared_cache ();

  for (guint i = 0; i < shared.all->len; i++)
    if (reference_matches (g_ptr_array_index (shared.all, i), query))
      g_ptr_array_add (expected, g_ptr_array_index (shared.all, i));

  results = sr_message_search (shared.cache, (const char * const *) terms, limit, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (results);

  g_test_message ("“%s”: %u found, %u shown", query, expected->len, results->len);
  g_assert_cmpuint (results->len, ==, MIN (expected->len, limit));
  for (guint i = 0; i < results->len; i++)
    {
      SrMessage *got = g_ptr_array_index (results, i);
      SrMessage *want = g_ptr_array_index (expected, i);

      g_assert_true (reference_matches (got, query));
      g_assert_true (g_hash_table_add (ids, (gpointer) sr_message_get_id (got)));
      /* Messages of one instant may come in either order; the times may not. */
      g_assert_cmpint (sr_message_get_created_at (got), ==, sr_message_get_created_at (want));
    }

  return expected->len;
}

static SrMessage *
find_message (gboolean (*pred) (SrMessage *message))
{
  ensure_shared_cache ();
  for (guint i = 0; i < shared.all->len; i++)
    if (pred (g_ptr_array_index (shared.all, i)))
      return g_ptr_array_index (shared.all, i);
  g_assert_not_reached ();
}

static gboolean
has_plus_recipient (SrMessage *message)
{
  const char *to = sr_message_get_to (message);

  return to != NULL && to[0] == '+' && strlen (to) > 8;
}

/* "<sender> <word>" for a message whose sender is longer than a word of its
 * text and does not appear in the text: found through the sender only. */
static const char *
sender_and_shorter_word (void)
{
  static char *query;

  ensure_shared_cache ();
  for (guint i = 0; query == NULL && i < shared.all->len; i++)
    {
      SrMessage *message = g_ptr_array_index (shared.all, i);
      const char *sender = sr_message_get_sender_id (message);
      g_auto(GStrv) words = NULL;

      if (sender == NULL || !g_ascii_isalpha (sender[0])
          || field_has (sr_message_get_message (message), sender))
        continue;
      words = g_strsplit_set (sr_message_get_message (message), " .,:!?\n", -1);
      for (guint j = 0; query == NULL && words[j] != NULL; j++)
        {
          gsize len = strlen (words[j]);
          gboolean plain = len >= 3 && len < strlen (sender);

          for (gsize k = 0; plain && k < len; k++)
            plain = g_ascii_isalpha (words[j][k]);
          if (plain)
            {
              g_autofree char *lower = g_ascii_strdown (sender, -1);

              query = g_strdup_printf ("%s %s", lower, words[j]);
            }
        }
    }
  g_assert_nonnull (query);

  return query;
}

/* --- tests --- */

static void
test_recipient_with_or_without_plus (void)
{
  SrMessage *message = find_message (has_plus_recipient);
  const char *to = sr_message_get_to (message);
  g_autofree char *tail = g_strdup (to + strlen (to) - 6);
  g_autoptr(GPtrArray) with_plus = NULL;
  g_autoptr(GPtrArray) without_plus = NULL;
  const char *plus_terms[] = { to, NULL };
  const char *bare_terms[] = { to + 1, NULL };
  gboolean found = FALSE;

  g_assert_cmpuint (check_query (to, 20), >=, 1);
  g_assert_cmpuint (check_query (to + 1, 20), >=, 1);
  g_assert_cmpuint (check_query (tail, 20), >=, 1);

  with_plus = sr_message_search (shared.cache, plus_terms, 20, NULL, NULL);
  without_plus = sr_message_search (shared.cache, bare_terms, 20, NULL, NULL);
  g_assert_cmpuint (with_plus->len, ==, without_plus->len);
  for (guint i = 0; i < with_plus->len; i++)
    {
      g_assert_cmpstr (sr_message_get_id (g_ptr_array_index (with_plus, i)), ==,
                       sr_message_get_id (g_ptr_array_index (without_plus, i)));
      found |= g_str_equal (sr_message_get_id (g_ptr_array_index (with_plus, i)), sr_message_get_id (message));
    }
  /* The message the number came from, unless 20 newer ones share it. */
  g_assert_true (found || with_plus->len == 20);
}

static void
test_sender_any_case (void)
{
  g_autoptr(GPtrArray) results = NULL;
  const char *terms[] = { "coffeelab", NULL };

  /* Whole and partial sender ids, typed in any case. */
  g_assert_cmpuint (check_query ("coffeelab", 20), >, 20);
  g_assert_cmpuint (check_query ("COFFEE", 20), >, 20);
  g_assert_cmpuint (check_query ("smsto", 20), >, 0);

  results = sr_message_search (shared.cache, terms, 20, NULL, NULL);
  for (guint i = 0; i < results->len; i++)
    g_assert_cmpstr (sr_message_get_sender_id (g_ptr_array_index (results, i)), ==, "CoffeeLab");
}

static void
test_words_of_the_text (void)
{
  g_assert_cmpuint (check_query ("verification code", 20), >, 0);
  g_assert_cmpuint (check_query ("sale weekend", 20), >, 0);
  g_assert_cmpuint (check_query ("Γεια", 20), >, 0);
  /* Every word must match, in any of the fields. */
  g_assert_cmpuint (check_query ("bank alert", 20), >, 0);
  g_assert_cmpuint (check_query ("myshop order", 20), >, 0);
  /* The longest word only in the sender, another only in the text. */
  g_assert_cmpuint (check_query (sender_and_shorter_word (), 20), >, 0);
  check_query ("verification weekend", 20);
}

static void
test_limit_and_no_match (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) results = NULL;
  const char *blank[] = { " ", "+", "", NULL };
  const char *code[] = { "code", NULL };

  g_assert_cmpuint (check_query ("code", 5), >, 5);
  g_assert_cmpuint (check_query ("code", 100), >, 100);
  g_assert_cmpuint (check_query ("zzqqxx", 20), ==, 0);
  /* LIKE's wildcards are plain characters here. */
  check_query ("30%", 20);
  check_query ("_", 20);
  check_query ("%", 20);

  results = sr_message_search (shared.cache, blank, 20, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (results->len, ==, 0);
  g_clear_pointer (&results, g_ptr_array_unref);

  /* 0 is the default limit. */
  results = sr_message_search (shared.cache, code, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (results->len, ==, SR_MESSAGE_SEARCH_DEFAULT_LIMIT);
}

static void
test_sender_ids (void)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) senders = NULL;
  g_autoptr(GHashTable) expected = g_hash_table_new (g_str_hash, g_str_equal);

  ensure_shared_cache ();
  for (guint i = 0; i < shared.all->len; i++)
    {
      const char *sender = sr_message_get_sender_id (g_ptr_array_index (shared.all, i));

      if (sender != NULL && *sender != '\0')
        g_hash_table_add (expected, (gpointer) sender);
    }

  senders = sr_cache_dup_sender_ids (shared.cache, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (senders), ==, g_hash_table_size (expected));
  for (guint i = 0; senders[i] != NULL; i++)
    {
      g_assert_true (g_hash_table_contains (expected, senders[i]));
      if (i > 0)
        g_assert_cmpint (strcmp (senders[i - 1], senders[i]), <, 0);
    }
}

static void
test_async_and_get_messages (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) ids = NULL;
  const char *terms[] = { "code", NULL };

  ensure_shared_cache ();
  sr_message_search_async (shared.cache, terms, 10, NULL, on_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  found = sr_message_search_finish (result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 10);
  g_clear_object (&result);

  /* In the order asked; an id no longer cached is left out. */
  g_strv_builder_add (builder, sr_message_get_id (g_ptr_array_index (found, 3)));
  g_strv_builder_add (builder, "no-such-message");
  g_strv_builder_add (builder, sr_message_get_id (g_ptr_array_index (found, 0)));
  ids = g_strv_builder_end (builder);
  sr_message_search_get_messages_async (shared.cache, (const char * const *) ids, NULL, on_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  messages = sr_message_search_get_messages_finish (result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (messages->len, ==, 2);
  g_assert_cmpstr (sr_message_get_id (g_ptr_array_index (messages, 0)), ==, ids[0]);
  g_assert_cmpstr (sr_message_get_id (g_ptr_array_index (messages, 1)), ==, ids[2]);
}

/* Letters GLib's Unicode tables fold otherwise than SQLite's unicode61
 * tokenizer (the full-text index's): a final sigma, Cherokee, titlecase
 * digraphs, letters with two accents, ligatures, the Turkish I. The rules
 * in C (sr_message_filter_matches(), and Shell's subsearch through
 * sr_message_search_matches()) must find exactly what the index finds, in
 * full and in the first rows of the log. */
static void
test_unicode_folding_as_the_index (void)
{
  static const char *texts[] = {
    "ΟΔΟΣ ΚΛΕΙΣΤΟΣ σήμερα", "οδος κλειστος", "οδός ανοιχτός", "ΟΔΟΣ",
    "ᏣᎳᎩ ᎦᏬᏂᎯᏍᏗ", "ꮳꮃꭹ ꭶꮼꮒꭿꮝꮧ", "Ǆemal ǅemal ǆemal", "ṏ ṍ ố Ấ ặ", "Ǖ ǘ ǚ",
    "straße STRASSE", "ﬀ ﬁle ffile", "İstanbul ISTANBUL ıstanbul", "Ölmesi ÖLMESİ", "plain ascii",
  };
  static const char *queries[] = {
    "οδος", "ΟΔΟΣ", "οδοσ", "οδός", "κλειστος", "ΚΛΕΙΣΤΟΣ", "ᏣᎳᎩ", "ꮳꮃꭹ", "ᎦᏬ", "ꭶꮼ",
    "ǆemal", "Ǆemal", "ǅ", "dz", "ṏ", "õ", "o", "ố", "ấ", "a", "ặ", "ǖ", "ü", "u",
    "straße", "strasse", "strass", "ﬀ", "ff", "ﬁle", "file", "İstanbul", "istanbul",
    "ıstanbul", "ölmesi", "ÖLMESİ", "olmesi", "plain", "ASCII",
  };
  g_autofree char *dir = sr_test_make_tmpdir ("test-message-search-unicode");
  g_autofree char *path = g_build_filename (dir, "account.db", NULL);
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  g_autoptr(SrCache) cache = NULL;
  guint n_found = 0;

  cache = sr_cache_open (path, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < 40 * G_N_ELEMENTS (texts); i++)
    {
      SrMessage *m = sr_message_new_empty ();

      m->id = g_strdup_printf ("u-%04u", i);
      m->to = g_strdup_printf ("+3579900%04u", i);
      m->sender_id = g_strdup (i % 7 == 0 ? texts[(i / 7) % G_N_ELEMENTS (texts)] : "Shop");
      m->message = g_strdup (i % 5 == 0 ? "nothing here" : texts[i % G_N_ELEMENTS (texts)]);
      m->status = SR_STATUS_DELIVERED;
      m->status_raw = g_strdup ("DELIVERED");
      m->created_at = G_GINT64_CONSTANT (1700000000000000) + (gint64) i * G_USEC_PER_SEC;
      g_ptr_array_add (messages, m);
    }
  sr_cache_upsert_messages (cache, messages, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
    {
      g_autoptr(SrMessageFilter) filter = sr_message_filter_new ();
      g_autoptr(GPtrArray) found = NULL;
      g_autoptr(GPtrArray) first = NULL;
      g_autoptr(GHashTable) in_sql = g_hash_table_new (g_str_hash, g_str_equal);
      guint n_c = 0;

      filter->search = g_strdup (queries[q]);
      found = sr_cache_query_messages (cache, filter, SR_MESSAGE_SORT_CREATED, TRUE, -1, 0, &error);
      g_assert_no_error (error);
      for (guint i = 0; i < found->len; i++)
        g_hash_table_add (in_sql, (gpointer) sr_message_get_id (found->pdata[i]));

      for (guint i = 0; i < messages->len; i++)
        {
          SrMessage *m = messages->pdata[i];
          gboolean in_c = sr_message_filter_matches (filter, m);
          const char *terms[] = { queries[q], NULL };

          if (in_c != g_hash_table_contains (in_sql, m->id))
            g_error ("Search \"%s\": \"%s\" / \"%s\" is %s in C and %s in the index",
                     queries[q], m->message, m->sender_id, in_c ? "in" : "out", in_c ? "out" : "in");
          g_assert_true (sr_message_search_matches (m, terms) == in_c);
          n_c += in_c;
        }

      /* The first rows of the log (a scan of the order, each row tested
       * with the tokenizer) are the first rows of the full answer. */
      first = sr_cache_query_messages (cache, filter, SR_MESSAGE_SORT_CREATED, TRUE, 60, 0, &error);
      g_assert_no_error (error);
      {
        g_autoptr(GArray) rowids = sr_cache_query_message_rowids_limited (cache, filter, SR_MESSAGE_SORT_RECIPIENT,
                                                                          FALSE, 60, NULL, &error);
        g_autoptr(GArray) all = sr_cache_query_message_rowids (cache, filter, SR_MESSAGE_SORT_RECIPIENT,
                                                               FALSE, NULL, &error);

        g_assert_no_error (error);
        g_assert_cmpuint (rowids->len, ==, MIN (all->len, 60));
        for (guint i = 0; i < rowids->len; i++)
          g_assert_cmpint (g_array_index (rowids, gint64, i), ==, g_array_index (all, gint64, i));
      }
      g_assert_cmpuint (first->len, ==, MIN (found->len, 60));
      for (guint i = 0; i < first->len; i++)
        g_assert_cmpstr (sr_message_get_id (first->pdata[i]), ==, sr_message_get_id (found->pdata[i]));

      g_test_message ("\"%s\": %u messages", queries[q], n_c);
      n_found += n_c > 0;
    }

  /* What the index does with them: Σ, σ and ς are one letter, and so are
   * the Cherokee cases (GLib's folding told them apart). */
  {
    const char *pairs[][2] = { { "οδοσ", "ΟΔΟΣ" }, { "ꮳꮃꭹ", "ᏣᎳᎩ" } };

    for (guint i = 0; i < G_N_ELEMENTS (pairs); i++)
      {
        g_autoptr(SrMessageFilter) a = sr_message_filter_new ();
        g_autoptr(SrMessageFilter) b = sr_message_filter_new ();
        gint64 na, nb;

        a->search = g_strdup (pairs[i][0]);
        b->search = g_strdup (pairs[i][1]);
        na = sr_cache_count_messages (cache, a, &error);
        g_assert_no_error (error);
        nb = sr_cache_count_messages (cache, b, &error);
        g_assert_no_error (error);
        g_assert_cmpint (na, >, 0);
        g_assert_cmpint (na, ==, nb);
      }
  }

  g_assert_cmpuint (n_found, >, G_N_ELEMENTS (queries) / 2);
  sr_cache_close (cache);
  g_clear_object (&cache);
  sr_test_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/message-search/recipient-with-or-without-plus", test_recipient_with_or_without_plus);
  g_test_add_func ("/message-search/sender-any-case", test_sender_any_case);
  g_test_add_func ("/message-search/words-of-the-text", test_words_of_the_text);
  g_test_add_func ("/message-search/limit-and-no-match", test_limit_and_no_match);
  g_test_add_func ("/message-search/sender-ids", test_sender_ids);
  g_test_add_func ("/message-search/async-and-get-messages", test_async_and_get_messages);
  g_test_add_func ("/message-search/unicode-folding-as-the-index", test_unicode_folding_as_the_index);

  ret = g_test_run ();
  free_shared_cache ();

  return ret;
}
