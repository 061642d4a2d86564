/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-cache-query.c: every read of the cache. Reads are synchronous and
 * thread-safe: each takes a connection of the read pool for its duration, so
 * callers that may touch many rows run them in a GTask thread.
 */

#define G_LOG_DOMAIN "sr-cache"

#include "config.h"

#include <glib/gi18n.h>

#include <string.h>

#include <sqlite3.h>

#include "sr-cache-private.h"
#include "sr-cache-sql.h"
#include "sr-campaign-private.h"
#include "sr-message-filter-private.h"
#include "sr-message-private.h"
#include "sr-status.h"

/* Rowids bound per "rowid IN (...)" query. */
#define ROWID_CHUNK 256

static gboolean
get_int64_row_cb (sqlite3_stmt *stmt,
                  gpointer      user_data)
{
  gint64 *out_value = user_data;

  *out_value = sqlite3_column_int64 (stmt, 0);
  return FALSE;
}

static gboolean
get_text_row_cb (sqlite3_stmt *stmt,
                 gpointer      user_data)
{
  char **out_value = user_data;

  *out_value = sr_db_column_dup_text (stmt, 0);
  return FALSE;
}

char *
sr_cache_dup_state (SrCache     *self,
                    const char  *key,
                    GError     **error)
{
  g_auto(SrSqlBuilder) builder = { NULL, };
  g_autofree char *value = NULL;

  g_return_val_if_fail (SR_IS_CACHE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  sr_sql_builder_init (&builder, "SELECT value FROM sync_state WHERE key = ?");
  sr_sql_builder_add_text (&builder, key);
  if (!sr_sql_run_query (self->readers, &builder, NULL, get_text_row_cb, &value, error))
    return NULL;

  return g_steal_pointer (&value);
}

typedef struct
{
  gboolean found;
  double   balance;
  char    *currency;     /* (owned) */
  gint64   last_sync;
} AccountRow;

static gboolean
account_row_cb (sqlite3_stmt *stmt,
                gpointer      user_data)
{
  AccountRow *account = user_data;

  account->found = TRUE;
  account->balance = sqlite3_column_type (stmt, 0) == SQLITE_NULL
                     ? -1 : sqlite3_column_double (stmt, 0);
  account->currency = sr_db_column_dup_text (stmt, 1);
  account->last_sync = sqlite3_column_int64 (stmt, 2);

  return FALSE;
}

gboolean
sr_cache_get_account (SrCache  *self,
                      double   *out_balance,
                      char    **out_currency,
                      gint64   *out_last_sync,
                      GError  **error)
{
  g_auto(SrSqlBuilder) builder = { NULL, };
  AccountRow account = { FALSE, -1, NULL, 0 };

  g_return_val_if_fail (SR_IS_CACHE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  sr_sql_builder_init (&builder, "SELECT balance, currency, last_sync FROM account WHERE id = 1");
  if (!sr_sql_run_query (self->readers, &builder, NULL, account_row_cb, &account, error) ||
      !account.found)
    {
      g_free (account.currency);
      return FALSE;
    }

  if (out_balance != NULL)
    *out_balance = account.balance;
  if (out_currency != NULL)
    *out_currency = g_steal_pointer (&account.currency);
  if (out_last_sync != NULL)
    *out_last_sync = account.last_sync;
  g_free (account.currency);

  return TRUE;
}

gint64
sr_cache_get_newest_created_at (SrCache  *self,
                                GError  **error)
{
  g_auto(SrSqlBuilder) builder = { NULL, };
  gint64 newest = SR_TIME_NONE;

  g_return_val_if_fail (SR_IS_CACHE (self), SR_TIME_NONE);
  g_return_val_if_fail (error == NULL || *error == NULL, SR_TIME_NONE);

  sr_sql_builder_init (&builder, "SELECT created_at FROM messages ORDER BY created_at DESC LIMIT 1");
  if (!sr_sql_run_query (self->readers, &builder, NULL, get_int64_row_cb, &newest, error))
    return SR_TIME_NONE;

  return newest;
}

static gboolean
collect_text_row_cb (sqlite3_stmt *stmt,
                     gpointer      user_data)
{
  const char *text = (const char *) sqlite3_column_text (stmt, 0);

  if (text != NULL && *text != '\0')
    g_strv_builder_add (user_data, text);
  return TRUE;
}

/* A loose index scan of messages_sender_id: one seek per distinct sender,
 * so a million messages from a few senders cost a few lookups. */
GStrv
sr_cache_dup_sender_ids (SrCache  *self,
                         GError  **error)
{
  g_auto(SrSqlBuilder) builder = { NULL, };
  g_autoptr(GStrvBuilder) senders = g_strv_builder_new ();

  g_return_val_if_fail (SR_IS_CACHE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  sr_sql_builder_init (&builder,
                       "WITH RECURSIVE s (v) AS ("
                       " SELECT min (sender_id) FROM messages"
                       " UNION ALL"
                       " SELECT (SELECT min (sender_id) FROM messages WHERE sender_id > s.v)"
                       " FROM s WHERE s.v IS NOT NULL)"
                       " SELECT v FROM s WHERE v IS NOT NULL");
  if (!sr_sql_run_query (self->readers, &builder, NULL, collect_text_row_cb, senders, error))
    return NULL;

  return g_strv_builder_end (senders);
}

gint64
sr_cache_get_oldest_non_final_since (SrCache  *self,
                                     gint64    since,
                                     GError  **error)
{
  g_auto(SrSqlBuilder) builder = { NULL, };
  SrMessageFilter filter = { 0, };
  gint64 oldest = SR_TIME_NONE;

  g_return_val_if_fail (SR_IS_CACHE (self), SR_TIME_NONE);
  g_return_val_if_fail (error == NULL || *error == NULL, SR_TIME_NONE);

  filter.status_mask = sr_status_non_final_mask ();
  filter.from = since;

  sr_sql_builder_init (&builder, "SELECT created_at FROM messages");
  sr_sql_append_message_filter (&builder, &filter);
  sr_sql_builder_append (&builder, " ORDER BY created_at LIMIT 1");
  if (!sr_sql_run_query (self->readers, &builder, NULL, get_int64_row_cb, &oldest, error))
    return SR_TIME_NONE;

  return oldest;
}

gint64
sr_cache_count_messages (SrCache                *self,
                         const SrMessageFilter  *filter,
                         GError                **error)
{
  g_auto(SrSqlBuilder) builder = { NULL, };
  gint64 count = 0;

  g_return_val_if_fail (SR_IS_CACHE (self), -1);

  sr_sql_builder_init (&builder, "SELECT count(*) FROM messages");
  sr_sql_append_message_filter (&builder, filter);
  if (!sr_sql_run_query (self->readers, &builder, NULL, get_int64_row_cb, &count, error))
    return -1;

  return count;
}

/* The distinct campaigns come from a covering index (messages_campaign_id,
 * or messages_insights for a period); a COUNT (DISTINCT) there reads each
 * row once. */
static void
build_message_campaigns_query (SrSqlBuilder          *builder,
                               const char            *prefix,
                               const SrMessageFilter *filter)
{
  sr_sql_builder_init (builder, prefix);
  sr_sql_builder_append (builder, "SELECT count (DISTINCT campaign_id) FROM messages");
  sr_sql_append_message_filter (builder, filter);
}

gint64
sr_cache_count_message_campaigns (SrCache                *self,
                                  const SrMessageFilter  *filter,
                                  GError                **error)
{
  g_auto(SrSqlBuilder) builder = { NULL, };
  gint64 count = 0;

  g_return_val_if_fail (SR_IS_CACHE (self), -1);

  build_message_campaigns_query (&builder, "", filter);
  if (!sr_sql_run_query (self->readers, &builder, NULL, get_int64_row_cb, &count, error))
    return -1;

  return count;
}

void
sr_status_count_free (SrStatusCount *count)
{
  if (count == NULL)
    return;

  g_free (count->status_raw);
  g_free (count);
}

static gboolean
status_count_row_cb (sqlite3_stmt *stmt,
                     gpointer      user_data)
{
  GHashTable *counts = user_data;
  const char *raw = (const char *) sqlite3_column_text (stmt, 1);
  SrStatusCount *count;

  if (raw == NULL)
    raw = "";

  count = g_hash_table_lookup (counts, raw);
  if (count == NULL)
    {
      int code = sqlite3_column_int (stmt, 0);

      count = g_new0 (SrStatusCount, 1);
      count->status_raw = g_strdup (raw);
      count->status = (code >= 0 && code < SR_N_STATUSES) ? (SrStatus) code : SR_STATUS_UNKNOWN;
      g_hash_table_insert (counts, count->status_raw, count);
    }

  count->count++;
  count->cost += sqlite3_column_double (stmt, 2);

  return TRUE;
}

static int
compare_status_counts (gconstpointer a,
                       gconstpointer b)
{
  const SrStatusCount *ca = *(const SrStatusCount * const *) a;
  const SrStatusCount *cb = *(const SrStatusCount * const *) b;

  if (ca->count != cb->count)
    return ca->count > cb->count ? -1 : 1;

  return strcmp (ca->status_raw, cb->status_raw);
}

/* Aggregates are computed in C over rows streamed from the covering index
 * messages_insights: one pass, no temporary b-tree (SQLite has no hash
 * aggregation, so GROUP BY over a million rows would sort them). */
static void
build_status_counts_query (SrSqlBuilder          *builder,
                           const char            *prefix,
                           const SrMessageFilter *filter)
{
  sr_sql_builder_init (builder, prefix);
  sr_sql_builder_append (builder, "SELECT status_code, status_raw, cost FROM messages");
  sr_sql_append_message_filter (builder, filter);
}

GPtrArray *
sr_cache_query_status_counts (SrCache                *self,
                              const SrMessageFilter  *filter,
                              GError                **error)
{
  g_auto(SrSqlBuilder) builder = { NULL, };
  g_autoptr(GHashTable) counts = NULL;
  GPtrArray *result;
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (SR_IS_CACHE (self), NULL);

  counts = g_hash_table_new (g_str_hash, g_str_equal);

  build_status_counts_query (&builder, "", filter);
  if (!sr_sql_run_query (self->readers, &builder, NULL, status_count_row_cb, counts, error))
    {
      g_hash_table_iter_init (&iter, counts);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        sr_status_count_free (value);
      return NULL;
    }

  result = g_ptr_array_new_full (g_hash_table_size (counts), (GDestroyNotify) sr_status_count_free);
  g_hash_table_iter_init (&iter, counts);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (result, value);
  g_ptr_array_sort (result, compare_status_counts);

  return result;
}

static gboolean
get_message_row_cb (sqlite3_stmt *stmt,
                    gpointer      user_data)
{
  SrMessage **out_message = user_data;

  *out_message = sr_sql_message_from_row (stmt);
  return FALSE;
}

SrMessage *
sr_cache_get_message (SrCache     *self,
                      const char  *id,
                      GError     **error)
{
  g_auto(SrSqlBuilder) builder = { NULL, };
  g_autofree char *select = sr_sql_message_select ();
  SrMessage *message = NULL;

  g_return_val_if_fail (SR_IS_CACHE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  sr_sql_builder_init (&builder, select);
  sr_sql_builder_append (&builder, " WHERE id = ?");
  sr_sql_builder_add_text (&builder, id);
  if (!sr_sql_run_query (self->readers, &builder, NULL, get_message_row_cb, &message, error))
    return NULL;

  if (message == NULL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                 _("No message “%s” in the cache"), id);

  return message;
}

static gboolean
get_campaign_row_cb (sqlite3_stmt *stmt,
                     gpointer      user_data)
{
  SrCampaign **out_campaign = user_data;

  *out_campaign = sr_sql_campaign_from_row (stmt);
  return FALSE;
}

SrCampaign *
sr_cache_get_campaign (SrCache     *self,
                       const char  *id,
                       GError     **error)
{
  g_auto(SrSqlBuilder) builder = { NULL, };
  g_autofree char *select = sr_sql_campaign_select ();
  SrCampaign *campaign = NULL;

  g_return_val_if_fail (SR_IS_CACHE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  sr_sql_builder_init (&builder, select);
  sr_sql_builder_append (&builder, " WHERE id = ?");
  sr_sql_builder_add_text (&builder, id);
  if (!sr_sql_run_query (self->readers, &builder, NULL, get_campaign_row_cb, &campaign, error))
    return NULL;

  if (campaign == NULL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                 _("No campaign “%s” in the cache"), id);

  return campaign;
}

static gboolean
collect_message_row_cb (sqlite3_stmt *stmt,
                        gpointer      user_data)
{
  g_ptr_array_add (user_data, sr_sql_message_from_row (stmt));
  return TRUE;
}

static gboolean
collect_campaign_row_cb (sqlite3_stmt *stmt,
                         gpointer      user_data)
{
  g_ptr_array_add (user_data, sr_sql_campaign_from_row (stmt));
  return TRUE;
}

GPtrArray *
sr_cache_query_messages (SrCache                *self,
                         const SrMessageFilter  *filter,
                         SrMessageSort           sort,
                         gboolean                descending,
                         gint64                  limit,
                         gint64                  offset,
                         GError                **error)
{
  g_auto(SrSqlBuilder) builder = { NULL, };
  g_autofree char *select = sr_sql_message_select ();
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_val_if_fail (SR_IS_CACHE (self), NULL);

  sr_sql_builder_init (&builder, select);
  builder.first_rows = limit >= 0 && offset <= 0;
  sr_sql_append_message_filter (&builder, filter);
  sr_sql_append_message_order (&builder, sort, descending);
  sr_sql_append_limit (&builder, limit, offset);
  if (!sr_sql_run_query (self->readers, &builder, NULL, collect_message_row_cb, messages, error))
    return NULL;

  return g_steal_pointer (&messages);
}

/* --- a limited search: the newest rows first ----------------------------- */

/* The words of a text as FTS5's unicode61 tokenizer cuts and folds them
 * (SQLite's own, asked through the fts5_api of the connection), so a row
 * tested here matches exactly when messages_fts would find it: GLib's
 * Unicode tables fold some letters differently (final sigma, Cherokee…). */
typedef struct
{
  fts5_tokenizer  api;
  Fts5Tokenizer  *tokenizer;
  GString        *chars;     /* the tokens, each followed by '\0' */
  GArray         *starts;    /* (element-type gsize) offsets in chars */
} SearchTokenizer;

static fts5_api *
fts5_api_of (sqlite3 *db)
{
  fts5_api *api = NULL;
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (db, "SELECT fts5 (?1)", -1, &stmt, NULL) == SQLITE_OK)
    {
      sqlite3_bind_pointer (stmt, 1, (void *) &api, "fts5_api_ptr", NULL);
      sqlite3_step (stmt);
    }
  sqlite3_finalize (stmt);

  return api;
}

static gboolean
search_tokenizer_init (SearchTokenizer *self,
                       sqlite3         *db)
{
  const char *args[] = { "remove_diacritics", "2" };   /* as messages_fts */
  fts5_api *api = fts5_api_of (db);
  void *user_data = NULL;

  if (api == NULL ||
      api->xFindTokenizer (api, "unicode61", &user_data, &self->api) != SQLITE_OK ||
      self->api.xCreate (user_data, args, G_N_ELEMENTS (args), &self->tokenizer) != SQLITE_OK)
    return FALSE;

  self->chars = g_string_new (NULL);
  self->starts = g_array_new (FALSE, FALSE, sizeof (gsize));
  return TRUE;
}

static void
search_tokenizer_clear (SearchTokenizer *self)
{
  if (self->tokenizer != NULL)
    self->api.xDelete (self->tokenizer);
  self->tokenizer = NULL;
  if (self->chars != NULL)
    g_string_free (self->chars, TRUE);
  self->chars = NULL;
  g_clear_pointer (&self->starts, g_array_unref);
}

static int
add_token_cb (void       *user_data,
              int         flags,
              const char *token,
              int         n_token,
              int         start,
              int         end)
{
  SearchTokenizer *self = user_data;
  gsize offset = self->chars->len;

  g_array_append_val (self->starts, offset);
  g_string_append_len (self->chars, token, n_token);
  g_string_append_c (self->chars, '\0');

  return SQLITE_OK;
}

/* Cuts text into self->chars and self->starts (replacing what was there). */
static void
search_tokenize (SearchTokenizer *self,
                 const char      *text,
                 int              flags)
{
  g_string_truncate (self->chars, 0);
  g_array_set_size (self->starts, 0);
  if (text != NULL)
    self->api.xTokenize (self->tokenizer, self, flags, text, (int) strlen (text), add_token_cb);
}

#define TOKEN(tok, i) ((tok)->chars->str + g_array_index ((tok)->starts, gsize, (i)))

/* The tokens of a query word ("jazz" of "jazz"*): a phrase whose last
 * token is a prefix, like FTS5 reads it. */
static GStrv
search_phrase (SearchTokenizer *tok,
               const char      *word)
{
  GStrv phrase;

  search_tokenize (tok, word, FTS5_TOKENIZE_QUERY | FTS5_TOKENIZE_PREFIX);
  phrase = g_new0 (char *, tok->starts->len + 1);
  for (guint i = 0; i < tok->starts->len; i++)
    phrase[i] = g_strdup (TOKEN (tok, i));

  return phrase;
}

/* Whether the tokens in tok (one column) contain the phrase. */
static gboolean
tokens_have_phrase (SearchTokenizer    *tok,
                    const char * const *phrase)
{
  guint n = g_strv_length ((GStrv) phrase);

  for (guint i = 0; i + n <= tok->starts->len; i++)
    {
      guint k = 0;

      for (; k + 1 < n; k++)
        if (strcmp (TOKEN (tok, i + k), phrase[k]) != 0)
          break;
      if (k + 1 == n && g_str_has_prefix (TOKEN (tok, i + k), phrase[k]))
        return TRUE;
    }

  return FALSE;
}

typedef struct
{
  SearchTokenizer  tok;
  GPtrArray       *phrases;   /* (element-type GStrv) the words', then the numbers' */
  GPtrArray       *numbers;   /* (element-type utf8) as typed */
  guint            n_words;
} SearchScan;

/* A row's text and sender, each cut into tokens, hold every phrase; each
 * number is in the recipient or starts a word (the SQL of
 * sr-cache-sql.c). */
static gboolean
search_scan_matches (SearchScan *scan,
                     const char *to,
                     const char *text,
                     const char *sender)
{
  g_autofree gboolean *found = g_new0 (gboolean, scan->phrases->len);

  for (guint i = 0; i < scan->numbers->len; i++)
    if (to != NULL && strstr (to, g_ptr_array_index (scan->numbers, i)) != NULL)
      found[scan->n_words + i] = TRUE;

  for (guint column = 0; column < 2; column++)
    {
      search_tokenize (&scan->tok, column == 0 ? text : sender, FTS5_TOKENIZE_DOCUMENT);
      for (guint i = 0; i < scan->phrases->len; i++)
        if (!found[i] && tokens_have_phrase (&scan->tok, g_ptr_array_index (scan->phrases, i)))
          found[i] = TRUE;
    }

  for (guint i = 0; i < scan->phrases->len; i++)
    if (!found[i])
      return FALSE;

  return TRUE;
}

/* Sets up the test of a search text on each row of a scan, cut into words
 * by the same tokenizer as the index. FALSE when the text cannot be tested
 * that way (only punctuation, a word with no token, no tokenizer): the SQL
 * tests it then. */
static gboolean
search_scan_init (SearchScan    *scan,
                  SrSearchTerms *terms,
                  sqlite3       *db,
                  const char    *text)
{
  g_autoptr(GPtrArray) phrases = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autoptr(GPtrArray) numbers = g_ptr_array_new ();

  if (!sr_search_terms_parse (terms, text) || !search_tokenizer_init (&scan->tok, db))
    return FALSE;

  for (guint i = 0; i < terms->words->len + terms->numbers->len; i++)
    {
      const char *word;
      GStrv phrase;

      if (i < terms->words->len)
        word = g_ptr_array_index (terms->words, i);
      else
        {
          const char *number = g_ptr_array_index (terms->numbers, i - terms->words->len);

          g_ptr_array_add (numbers, (gpointer) number);
          word = number[0] == '+' ? number + 1 : number;
        }
      phrase = search_phrase (&scan->tok, word);
      g_ptr_array_add (phrases, phrase);
      if (phrase[0] == NULL)
        return FALSE;
    }
  scan->phrases = g_steal_pointer (&phrases);
  scan->numbers = g_steal_pointer (&numbers);
  scan->n_words = terms->words->len;

  return TRUE;
}

static void
search_scan_clear (SearchScan *scan)
{
  search_tokenizer_clear (&scan->tok);
  g_clear_pointer (&scan->phrases, g_ptr_array_unref);
  g_clear_pointer (&scan->numbers, g_ptr_array_unref);
}

/* Reads the first max_scan rows of an order and hands those the filter
 * matches to collect, until limit of them. The filter is one expression
 * per row (no WHERE), so the order's index drives the scan and nothing
 * collects every match first: the first screenful of a status (60k rows)
 * or of a common word (143k) costs a few hundred rows. A search is tested
 * in C with the index's own tokenizer (see search_scan_matches()), so the
 * full-text index is not read either. Sets *out_done when the scan
 * answered: limit rows found, or the order had no more rows; otherwise the
 * matches are rare and the caller asks the indexes. full_rows: collect
 * gets the message's columns (sr_sql_message_from_row()); else the rowid
 * in column 0. */
static gboolean
scan_first_rows (SrCache                *self,
                 const SrMessageFilter  *filter,
                 SrMessageSort           sort,
                 gboolean                descending,
                 gboolean                full_rows,
                 guint                   limit,
                 guint                   max_scan,
                 SrSqlRowFunc            collect,
                 gpointer                user_data,
                 gboolean               *out_done,
                 GCancellable           *cancellable,
                 GError                **error)
{
  g_auto(SrSqlBuilder) builder = { NULL, };
  g_auto(SrSearchTerms) terms = { NULL, };
  g_autoptr(SrMessageFilter) rest = sr_message_filter_copy (filter);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  SearchScan scan = { 0, };
  gboolean searching = FALSE;
  guint scanned = 0, found = 0;
  int col_to, col_text, col_sender, col_ok;
  gboolean ok = FALSE;
  sqlite3 *db;
  int rc = SQLITE_DONE;

  *out_done = FALSE;

  db = sr_cache_read_pool_acquire (self->readers, error);
  if (db == NULL)
    return FALSE;

  /* A search the tokenizer can test is left out of the SQL. */
  if (sr_sql_is_set (filter->search) && search_scan_init (&scan, &terms, db, filter->search))
    {
      searching = TRUE;
      g_clear_pointer (&rest->search, g_free);
    }

  if (full_rows)
    {
      g_autofree char *select = sr_sql_message_select ();

      /* "SELECT columns FROM messages": the test goes after the columns */
      g_assert (g_str_has_suffix (select, " FROM messages"));
      select[strlen (select) - strlen (" FROM messages")] = '\0';
      sr_sql_builder_init (&builder, select);
      col_to = MSG_COL_RECIPIENT;
      col_text = MSG_COL_MESSAGE;
      col_sender = MSG_COL_SENDER_ID;
      col_ok = N_MSG_COLS;
    }
  else
    {
      /* Only what the test reads: an index may cover the scan. */
      sr_sql_builder_init (&builder, searching ? "SELECT rowid, recipient, message, sender_id"
                                               : "SELECT rowid, NULL, NULL, NULL");
      col_to = 1;
      col_text = 2;
      col_sender = 3;
      col_ok = 4;
    }
  sr_sql_builder_append (&builder, ", ");
  builder.first_rows = TRUE;
  sr_sql_append_message_condition (&builder, rest);
  sr_sql_builder_append (&builder, " FROM messages");
  sr_sql_append_message_order (&builder, sort, descending);
  sr_sql_append_limit (&builder, max_scan, 0);
  if (!sr_sql_builder_prepare (&builder, db, &stmt, error))
    goto out;

  sr_db_watch_cancellable (db, cancellable);
  while (found < limit && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      scanned++;
      if (sqlite3_column_int (stmt, col_ok) == 0)
        continue;
      if (searching &&
          !search_scan_matches (&scan,
                                (const char *) sqlite3_column_text (stmt, col_to),
                                (const char *) sqlite3_column_text (stmt, col_text),
                                (const char *) sqlite3_column_text (stmt, col_sender)))
        continue;
      found++;
      if (!collect (stmt, user_data))
        break;
    }
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      sr_db_set_error (error, db, rc, "query");
      goto out;
    }

  *out_done = found >= limit || scanned < max_scan;
  ok = TRUE;

out:
  search_scan_clear (&scan);
  g_clear_pointer (&stmt, sqlite3_finalize);
  sr_cache_read_pool_release (self->readers, db);
  return ok;
}

/* A limited search first tests the newest SR_CACHE_SEARCH_SCAN_ROWS rows
 * in order (scan_first_rows()). A common term ("c", "+44", a frequent
 * word) fills the limit from the first rows, where the indexes would
 * first collect every match (hundreds of thousands) to sort them. */
static gboolean
search_newest_rows (SrCache       *self,
                    const char    *text,
                    guint          limit,
                    GPtrArray     *messages,
                    gboolean      *out_done,
                    GCancellable  *cancellable,
                    GError       **error)
{
  SrMessageFilter filter = { 0, };

  filter.search = (char *) text;
  return scan_first_rows (self, &filter, SR_MESSAGE_SORT_CREATED, TRUE, TRUE,
                          limit, SR_CACHE_SEARCH_SCAN_ROWS,
                          collect_message_row_cb, messages, out_done, cancellable, error);
}

/* Whether the indexes alone can find the matches of text: FALSE for a
 * text of only punctuation (LIKE on each row) or a number too short for
 * the recipient's trigrams. */
static gboolean
search_is_indexed (const char *text)
{
  g_auto(SrSearchTerms) terms = { NULL, };

  if (!sr_search_terms_parse (&terms, text))
    return FALSE;
  for (guint i = 0; i < terms.numbers->len; i++)
    if (!sr_search_number_has_trigram (g_ptr_array_index (terms.numbers, i)))
      return FALSE;

  return TRUE;
}

GPtrArray *
sr_cache_search_messages (SrCache       *self,
                          const char    *text,
                          gint64         limit,
                          GCancellable  *cancellable,
                          GError       **error)
{
  g_auto(SrSqlBuilder) builder = { NULL, };
  g_autofree char *select = sr_sql_message_select ();
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_object_unref);
  SrMessageFilter filter = { 0, };

  g_return_val_if_fail (SR_IS_CACHE (self), NULL);
  g_return_val_if_fail (text != NULL, NULL);

  /* Nothing to look for finds nothing (a filter would show everything). */
  while (g_ascii_isspace (*text))
    text++;
  if (*text == '\0')
    return g_steal_pointer (&messages);

  if (limit == 0)
    return g_steal_pointer (&messages);

  if (limit > 0)
    {
      gboolean done = FALSE;

      if (!search_newest_rows (self, text, (guint) MIN (limit, G_MAXUINT), messages, &done,
                               cancellable, error))
        return NULL;
      if (done)
        return g_steal_pointer (&messages);
      /* Rare in the newest rows: the indexes find the few matches (the
       * scan's are among them, in the same order). */
      g_ptr_array_set_size (messages, 0);
    }

  filter.search = (char *) text;
  sr_sql_builder_init (&builder, select);
  /* Driven by the indexes, the matches collected and sorted; a search the
   * indexes cannot serve reads the rows in order and stops at the limit. */
  builder.first_rows = limit >= 0 && !search_is_indexed (text);
  sr_sql_append_message_filter (&builder, &filter);
  sr_sql_append_message_order (&builder, SR_MESSAGE_SORT_CREATED, TRUE);
  sr_sql_append_limit (&builder, limit, 0);
  if (!sr_sql_run_query (self->readers, &builder, cancellable, collect_message_row_cb, messages, error))
    return NULL;

  return g_steal_pointer (&messages);
}

typedef struct
{
  SrMessageFunc  func;
  gpointer       user_data;
  GCancellable  *cancellable;
  gboolean       cancelled;
} ForeachData;

static gboolean
foreach_message_row_cb (sqlite3_stmt *stmt,
                        gpointer      user_data)
{
  ForeachData *data = user_data;
  g_autoptr(SrMessage) message = NULL;

  if (g_cancellable_is_cancelled (data->cancellable))
    {
      data->cancelled = TRUE;
      return FALSE;
    }

  message = sr_sql_message_from_row (stmt);
  return data->func (message, data->user_data);
}

/* Each row becomes one short-lived SrMessage, so memory stays flat. The
 * statement keeps its own read connection, so func may call back into the
 * cache. */
gboolean
sr_cache_foreach_message (SrCache                *self,
                          const SrMessageFilter  *filter,
                          SrMessageSort           sort,
                          gboolean                descending,
                          gint64                  limit,
                          SrMessageFunc           func,
                          gpointer                user_data,
                          GCancellable           *cancellable,
                          GError                **error)
{
  g_auto(SrSqlBuilder) builder = { NULL, };
  g_autofree char *select = sr_sql_message_select ();
  ForeachData data = { func, user_data, cancellable, FALSE };

  g_return_val_if_fail (SR_IS_CACHE (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  sr_sql_builder_init (&builder, select);
  sr_sql_append_message_filter (&builder, filter);
  sr_sql_append_message_order (&builder, sort, descending);
  sr_sql_append_limit (&builder, limit, 0);
  if (!sr_sql_run_query (self->readers, &builder, cancellable, foreach_message_row_cb, &data, error))
    return FALSE;

  if (data.cancelled)
    return !g_cancellable_set_error_if_cancelled (cancellable, error);

  return TRUE;
}

static gboolean
collect_rowid_cb (sqlite3_stmt *stmt,
                  gpointer      user_data)
{
  gint64 rowid = sqlite3_column_int64 (stmt, 0);

  g_array_append_val ((GArray *) user_data, rowid);
  return TRUE;
}

static gboolean
filter_is_empty (const SrMessageFilter *filter)
{
  g_autoptr(SrMessageFilter) empty = sr_message_filter_new ();

  return sr_message_filter_equal (filter, empty);
}

static void
build_rowids_query (SrSqlBuilder          *builder,
                    const char            *prefix,
                    const SrMessageFilter *filter,
                    SrMessageSort          sort,
                    gboolean               descending,
                    gint64                 limit)
{
  sr_sql_builder_init (builder, prefix);
  builder->first_rows = limit >= 0;
  sr_sql_builder_append (builder, "SELECT rowid FROM messages");
  sr_sql_append_message_filter (builder, filter);
  sr_sql_append_message_order (builder, sort, descending);
}

GArray *
sr_cache_query_message_rowids (SrCache                *self,
                               const SrMessageFilter  *filter,
                               SrMessageSort           sort,
                               gboolean                descending,
                               GCancellable           *cancellable,
                               GError                **error)
{
  return sr_cache_query_message_rowids_limited (self, filter, sort, descending, -1,
                                                cancellable, error);
}

GArray *
sr_cache_query_message_rowids_limited (SrCache                *self,
                                       const SrMessageFilter  *filter,
                                       SrMessageSort           sort,
                                       gboolean                descending,
                                       gint64                  limit,
                                       GCancellable           *cancellable,
                                       GError                **error)
{
  g_auto(SrSqlBuilder) builder = { NULL, };
  g_autoptr(GArray) rowids = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_return_val_if_fail (SR_IS_CACHE (self), NULL);

  /* The first rows of a filtered order: its index read in order and each
   * row tested, while that finds them quickly. */
  if (limit >= 0 && filter != NULL && !filter_is_empty (filter))
    {
      gboolean done = FALSE;

      if (!scan_first_rows (self, filter, sort, descending, FALSE,
                            (guint) MIN (limit, G_MAXUINT), SR_CACHE_SEARCH_SCAN_ROWS,
                            collect_rowid_cb, rowids, &done, cancellable, error))
        return NULL;
      if (done)
        return g_steal_pointer (&rowids);
      /* Rare in those rows: the indexes find the few matches. */
      g_array_set_size (rowids, 0);
    }

  build_rowids_query (&builder, "", filter, sort, descending, limit);
  sr_sql_append_limit (&builder, limit, 0);
  if (!sr_sql_run_query (self->readers, &builder, cancellable, collect_rowid_cb, rowids, error))
    return NULL;

  return g_steal_pointer (&rowids);
}

typedef gpointer (*RecordFromRow) (sqlite3_stmt *stmt);

static gpointer
message_record_from_row (sqlite3_stmt *stmt)
{
  return sr_sql_message_from_row (stmt);
}

static gpointer
campaign_record_from_row (sqlite3_stmt *stmt)
{
  return sr_sql_campaign_from_row (stmt);
}

typedef struct
{
  GHashTable    *by_rowid;  /* gint64 → record */
  RecordFromRow  from_row;
} ByRowidData;

static gboolean
by_rowid_row_cb (sqlite3_stmt *stmt,
                 gpointer      user_data)
{
  ByRowidData *data = user_data;
  gint64 rowid = sqlite3_column_int64 (stmt, 0);

  g_hash_table_insert (data->by_rowid, g_memdup2 (&rowid, sizeof rowid), data->from_row (stmt));
  return TRUE;
}

/* Reads the records in chunks of "rowid IN (?, ...)" (each a handful of
 * primary-key lookups) and returns them in the order asked. */
static GPtrArray *
get_by_rowid (SrCache        *self,
              const char     *select,
              RecordFromRow   from_row,
              const gint64   *rowids,
              guint           n_rowids,
              GError        **error)
{
  g_autoptr(GHashTable) by_rowid = NULL;
  g_autoptr(GPtrArray) records = NULL;
  ByRowidData data;

  by_rowid = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  data.by_rowid = by_rowid;
  data.from_row = from_row;

  for (guint start = 0; start < n_rowids; start += ROWID_CHUNK)
    {
      g_auto(SrSqlBuilder) builder = { NULL, };
      guint n = MIN (ROWID_CHUNK, n_rowids - start);

      sr_sql_builder_init (&builder, select);
      sr_sql_builder_append (&builder, " WHERE rowid IN (");
      for (guint i = 0; i < n; i++)
        {
          sr_sql_builder_append (&builder, i > 0 ? ", ?" : "?");
          sr_sql_builder_add_int64 (&builder, rowids[start + i]);
        }
      sr_sql_builder_append (&builder, ")");

      if (!sr_sql_run_query (self->readers, &builder, NULL, by_rowid_row_cb, &data, error))
        return NULL;
    }

  records = g_ptr_array_new_full (n_rowids, g_object_unref);
  for (guint i = 0; i < n_rowids; i++)
    {
      gpointer record = g_hash_table_lookup (by_rowid, &rowids[i]);

      if (record != NULL)
        g_ptr_array_add (records, g_object_ref (record));
    }

  return g_steal_pointer (&records);
}

GPtrArray *
sr_cache_get_messages_by_rowid (SrCache       *self,
                                const gint64  *rowids,
                                guint          n_rowids,
                                GError       **error)
{
  g_autofree char *select = sr_sql_message_select ();

  g_return_val_if_fail (SR_IS_CACHE (self), NULL);
  g_return_val_if_fail (rowids != NULL || n_rowids == 0, NULL);

  return get_by_rowid (self, select, message_record_from_row, rowids, n_rowids, error);
}

GPtrArray *
sr_cache_get_campaigns_by_rowid (SrCache       *self,
                                 const gint64  *rowids,
                                 guint          n_rowids,
                                 GError       **error)
{
  g_autofree char *select = sr_sql_campaign_select ();

  g_return_val_if_fail (SR_IS_CACHE (self), NULL);
  g_return_val_if_fail (rowids != NULL || n_rowids == 0, NULL);

  return get_by_rowid (self, select, campaign_record_from_row, rowids, n_rowids, error);
}

static gboolean
checksum_row_cb (sqlite3_stmt *stmt,
                 gpointer      user_data)
{
  GChecksum *checksum = user_data;
  const guchar *id = sqlite3_column_text (stmt, 0);
  const guchar *status = sqlite3_column_text (stmt, 1);

  g_checksum_update (checksum, id, sqlite3_column_bytes (stmt, 0));
  g_checksum_update (checksum, (const guchar *) ":", 1);
  if (status != NULL)
    g_checksum_update (checksum, status, sqlite3_column_bytes (stmt, 1));
  g_checksum_update (checksum, (const guchar *) "\n", 1);

  return TRUE;
}

char *
sr_cache_dup_checksum (SrCache  *self,
                       GError  **error)
{
  g_auto(SrSqlBuilder) builder = { NULL, };
  g_autoptr(GChecksum) checksum = NULL;

  g_return_val_if_fail (SR_IS_CACHE (self), NULL);

  checksum = g_checksum_new (G_CHECKSUM_SHA256);

  /* BINARY collation: byte order, as the sandbox sorts its ids. */
  sr_sql_builder_init (&builder,
                       "SELECT id, status_raw FROM messages ORDER BY id COLLATE BINARY");
  if (!sr_sql_run_query (self->readers, &builder, NULL, checksum_row_cb, checksum, error))
    return NULL;

  return g_strdup (g_checksum_get_string (checksum));
}

typedef struct
{
  GString *problems;
} IntegrityData;

static gboolean
integrity_row_cb (sqlite3_stmt *stmt,
                  gpointer      user_data)
{
  IntegrityData *data = user_data;
  const char *line = (const char *) sqlite3_column_text (stmt, 0);

  if (g_strcmp0 (line, "ok") == 0)
    return TRUE;

  if (data->problems->len > 0)
    g_string_append (data->problems, "; ");
  g_string_append (data->problems, line != NULL ? line : "?");

  return TRUE;
}

gboolean
sr_cache_check_integrity (SrCache  *self,
                          GError  **error)
{
  g_autoptr(GString) problems = g_string_new (NULL);
  IntegrityData data = { problems };
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;
  gboolean ok;
  int rc = SQLITE_DONE;

  g_return_val_if_fail (SR_IS_CACHE (self), FALSE);

  /* On a new connection: SQLite 3.44 and later check FTS5 tables too,
   * and on a connection that last read the search index before other
   * writes FTS5 checks its stale cached structure and reports a
   * "malformed inverted index" that is not there (searches on it are
   * right: they refresh the structure first). */
  db = sr_cache_read_pool_open_new (self->readers, error);
  if (db == NULL)
    return FALSE;
  ok = sr_db_prepare (db, "PRAGMA integrity_check", &stmt, error);
  while (ok && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    integrity_row_cb (stmt, &data);
  if (ok && rc != SQLITE_DONE)
    {
      sr_db_set_error (error, db, rc, "integrity_check");
      ok = FALSE;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);
  sqlite3_close (db);
  if (!ok)
    return FALSE;

  if (problems->len > 0)
    {
      g_set_error (error, SR_CACHE_ERROR, SR_CACHE_ERROR_CORRUPT,
                   _("The report cache is damaged: %s"), problems->str);
      return FALSE;
    }

  return TRUE;
}


gint64
sr_cache_count_campaigns (SrCache                 *self,
                          const SrCampaignFilter  *filter,
                          GError                 **error)
{
  g_auto(SrSqlBuilder) builder = { NULL, };
  gint64 count = 0;

  g_return_val_if_fail (SR_IS_CACHE (self), -1);

  sr_sql_builder_init (&builder, "SELECT count(*) FROM campaigns");
  sr_sql_append_campaign_filter (&builder, filter);
  if (!sr_sql_run_query (self->readers, &builder, NULL, get_int64_row_cb, &count, error))
    return -1;

  return count;
}

GPtrArray *
sr_cache_query_campaigns (SrCache                 *self,
                          const SrCampaignFilter  *filter,
                          SrCampaignSort           sort,
                          gboolean                 descending,
                          gint64                   limit,
                          gint64                   offset,
                          GError                 **error)
{
  g_auto(SrSqlBuilder) builder = { NULL, };
  g_autofree char *select = sr_sql_campaign_select ();
  g_autoptr(GPtrArray) campaigns = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_val_if_fail (SR_IS_CACHE (self), NULL);

  sr_sql_builder_init (&builder, select);
  sr_sql_append_campaign_filter (&builder, filter);
  sr_sql_append_campaign_order (&builder, sort, descending);
  sr_sql_append_limit (&builder, limit, offset);
  if (!sr_sql_run_query (self->readers, &builder, NULL, collect_campaign_row_cb, campaigns, error))
    return NULL;

  return g_steal_pointer (&campaigns);
}

GArray *
sr_cache_query_campaign_rowids (SrCache                 *self,
                                const SrCampaignFilter  *filter,
                                SrCampaignSort           sort,
                                gboolean                 descending,
                                GCancellable            *cancellable,
                                GError                 **error)
{
  return sr_cache_query_campaign_rowids_limited (self, filter, sort, descending, -1,
                                                 cancellable, error);
}

GArray *
sr_cache_query_campaign_rowids_limited (SrCache                 *self,
                                        const SrCampaignFilter  *filter,
                                        SrCampaignSort           sort,
                                        gboolean                 descending,
                                        gint64                   limit,
                                        GCancellable            *cancellable,
                                        GError                 **error)
{
  g_auto(SrSqlBuilder) builder = { NULL, };
  g_autoptr(GArray) rowids = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_return_val_if_fail (SR_IS_CACHE (self), NULL);

  sr_sql_builder_init (&builder, "SELECT rowid FROM campaigns");
  sr_sql_append_campaign_filter (&builder, filter);
  sr_sql_append_campaign_order (&builder, sort, descending);
  sr_sql_append_limit (&builder, limit, 0);
  if (!sr_sql_run_query (self->readers, &builder, cancellable, collect_rowid_cb, rowids, error))
    return NULL;

  return g_steal_pointer (&rowids);
}

/* --- public: report rows -------------------------------------------------- */

typedef struct
{
  SrReportRowFunc func;
  gpointer        user_data;
  SrReportRow     row;
} ReportData;

static gboolean
report_row_cb (sqlite3_stmt *stmt,
               gpointer      user_data)
{
  ReportData *data = user_data;
  int code = sqlite3_column_int (stmt, 1);

  data->row.created_at = sqlite3_column_int64 (stmt, 0);
  data->row.status = (code >= 0 && code < SR_N_STATUSES) ? (SrStatus) code : SR_STATUS_UNKNOWN;
  data->row.cost = sqlite3_column_double (stmt, 2);
  data->row.sender_id = (const char *) sqlite3_column_text (stmt, 3);
  data->row.recipient = (const char *) sqlite3_column_text (stmt, 4);
  data->row.failed_reason = (const char *) sqlite3_column_text (stmt, 5);

  return data->func (&data->row, data->user_data);
}

/* Exactly the columns of messages_insights, so that index covers the query
 * whenever the filter is a time range (or nothing). */
static void
build_report_rows_query (SrSqlBuilder          *builder,
                         const char            *prefix,
                         const SrMessageFilter *filter)
{
  sr_sql_builder_init (builder, prefix);
  sr_sql_builder_append (builder,
                         "SELECT created_at, status_code, cost, sender_id, recipient, failed_reason"
                         " FROM messages");
  sr_sql_append_message_filter (builder, filter);
}

gboolean
sr_cache_foreach_report_row (SrCache                *self,
                             const SrMessageFilter  *filter,
                             SrReportRowFunc         func,
                             gpointer                user_data,
                             GCancellable           *cancellable,
                             GError                **error)
{
  g_auto(SrSqlBuilder) builder = { NULL, };
  ReportData data = { func, user_data, { 0, } };

  g_return_val_if_fail (SR_IS_CACHE (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  build_report_rows_query (&builder, "", filter);
  return sr_sql_run_query (self->readers, &builder, cancellable, report_row_cb, &data, error);
}

/* --- private: query plans ------------------------------------------------- */

static gboolean
plan_row_cb (sqlite3_stmt *stmt,
             gpointer      user_data)
{
  GString *plan = user_data;

  if (plan->len > 0)
    g_string_append_c (plan, '\n');
  g_string_append (plan, (const char *) sqlite3_column_text (stmt, 3));

  return TRUE;
}

static char *
dup_plan (SrCache       *self,
          SrSqlBuilder  *builder,
          GError       **error)
{
  g_autoptr(GString) plan = g_string_new (NULL);

  if (!sr_sql_run_query (self->readers, builder, NULL, plan_row_cb, plan, error))
    return NULL;

  return g_string_free (g_steal_pointer (&plan), FALSE);
}

char *
sr_cache_dup_rowids_plan (SrCache                *self,
                          const SrMessageFilter  *filter,
                          SrMessageSort           sort,
                          gboolean                descending,
                          GError                **error)
{
  g_auto(SrSqlBuilder) builder = { NULL, };

  g_return_val_if_fail (SR_IS_CACHE (self), NULL);

  build_rowids_query (&builder, "EXPLAIN QUERY PLAN ", filter, sort, descending, -1);
  return dup_plan (self, &builder, error);
}

char *
sr_cache_dup_status_counts_plan (SrCache                *self,
                                 const SrMessageFilter  *filter,
                                 GError                **error)
{
  g_auto(SrSqlBuilder) builder = { NULL, };

  g_return_val_if_fail (SR_IS_CACHE (self), NULL);

  build_status_counts_query (&builder, "EXPLAIN QUERY PLAN ", filter);
  return dup_plan (self, &builder, error);
}

char *
sr_cache_dup_report_rows_plan (SrCache                *self,
                               const SrMessageFilter  *filter,
                               GError                **error)
{
  g_auto(SrSqlBuilder) builder = { NULL, };

  g_return_val_if_fail (SR_IS_CACHE (self), NULL);

  build_report_rows_query (&builder, "EXPLAIN QUERY PLAN ", filter);
  return dup_plan (self, &builder, error);
}
