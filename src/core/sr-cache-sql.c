/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-cache-sql.c: how requests become SQL and rows become records. Filters
 * and sorts become SQL in exactly one place (sr_sql_append_message_filter(),
 * sr_sql_append_message_order() and their campaign twins); the column lists
 * of sr-cache-schema.c give both the SELECTs and the upserts their order.
 */

#define G_LOG_DOMAIN "sr-cache"

#include "config.h"

#include <glib/gi18n.h>

#include <string.h>

#include "sr-cache-sql.h"
#include "sr-campaign-private.h"
#include "sr-message-filter-private.h"
#include "sr-message-private.h"

typedef struct
{
  gboolean is_text;
  gint64   number;
  char    *text;        /* (owned) */
} SrSqlParam;

static void
sql_param_clear (gpointer data)
{
  SrSqlParam *param = data;

  g_clear_pointer (&param->text, g_free);
}

void
sr_sql_builder_init (SrSqlBuilder *builder,
                     const char   *sql)
{
  builder->sql = g_string_new (sql);
  builder->params = g_array_new (FALSE, TRUE, sizeof (SrSqlParam));
  g_array_set_clear_func (builder->params, sql_param_clear);
  builder->n_conditions = 0;
  builder->first_rows = FALSE;
  builder->expression = FALSE;
}

void
sr_sql_builder_clear (SrSqlBuilder *builder)
{
  if (builder->sql != NULL)
    g_string_free (builder->sql, TRUE);
  g_clear_pointer (&builder->params, g_array_unref);
  builder->sql = NULL;
}

void
sr_sql_builder_append (SrSqlBuilder *builder,
                       const char   *format,
                       ...)
{
  va_list args;

  va_start (args, format);
  g_string_append_vprintf (builder->sql, format, args);
  va_end (args);
}

/* Starts a condition: " WHERE " the first time, " AND " afterwards. */
void
sr_sql_builder_and (SrSqlBuilder *builder)
{
  if (builder->n_conditions++ > 0)
    g_string_append (builder->sql, " AND ");
  else
    g_string_append (builder->sql, builder->expression ? "(" : " WHERE ");
}

void
sr_sql_builder_add_text (SrSqlBuilder *builder,
                         const char   *value)
{
  SrSqlParam param = { TRUE, 0, g_strdup (value) };

  g_array_append_val (builder->params, param);
}

void
sr_sql_builder_add_int64 (SrSqlBuilder *builder,
                          gint64        value)
{
  SrSqlParam param = { FALSE, value, NULL };

  g_array_append_val (builder->params, param);
}

/* The parameters are ?-placeholders in the order they were added; their
 * text stays owned by builder, which must outlive the statement's use. */
gboolean
sr_sql_builder_prepare (SrSqlBuilder  *builder,
                        sqlite3       *db,
                        sqlite3_stmt **out_stmt,
                        GError       **error)
{
  if (!sr_db_prepare (db, builder->sql->str, out_stmt, error))
    return FALSE;

  g_assert ((guint) sqlite3_bind_parameter_count (*out_stmt) == builder->params->len);

  for (guint i = 0; i < builder->params->len; i++)
    {
      const SrSqlParam *param = &g_array_index (builder->params, SrSqlParam, i);

      if (param->is_text)
        sqlite3_bind_text (*out_stmt, i + 1, param->text, -1, SQLITE_STATIC);
      else
        sqlite3_bind_int64 (*out_stmt, i + 1, param->number);
    }

  return TRUE;
}

/* A LIKE pattern for "contains needle"; used with ESCAPE '\'. */
static char *
like_contains_pattern (const char *needle)
{
  GString *s = g_string_new ("%");

  for (const char *p = needle; *p != '\0'; p++)
    {
      if (*p == '%' || *p == '_' || *p == '\\')
        g_string_append_c (s, '\\');
      g_string_append_c (s, *p);
    }
  g_string_append_c (s, '%');

  return g_string_free (s, FALSE);
}

/* The smallest string greater than every string starting with prefix, in
 * byte order (SQLite's BINARY collation); NULL when there is none. With it
 * "starts with" becomes a range the recipient index can serve. */
static char *
prefix_upper_bound (const char *prefix)
{
  gsize len = strlen (prefix);
  char *bound;

  while (len > 0 && (guchar) prefix[len - 1] == 0xff)
    len--;
  if (len == 0)
    return NULL;

  bound = g_strndup (prefix, len);
  bound[len - 1] = (char) ((guchar) bound[len - 1] + 1);

  return bound;
}

/* The unary + keeps the planner from using the term to look rows up by
 * rowid (see SrSqlBuilder.first_rows). */
#define FTS_MATCH(builder) \
  ((builder)->first_rows ? "+messages.rowid IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?)" \
                         : "messages.rowid IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?)")

#define RECIPIENT_MATCH(builder) \
  ((builder)->first_rows ? "+messages.rowid IN (SELECT rowid FROM messages_recipient_fts WHERE messages_recipient_fts MATCH ?)" \
                         : "messages.rowid IN (SELECT rowid FROM messages_recipient_fts WHERE messages_recipient_fts MATCH ?)")

/* The FTS5 query that narrows "the recipient contains number" down with
 * messages_recipient_fts (schema 6: trigram, detail=none, so no phrases):
 * the rows that have trigrams covering the number, in any place: "447"
 * "479" for "4479", "447" "743" "238" "941" for "447743238941" (every
 * third one and the last; each more is another posting list to read and
 * narrows little more). That is a superset (the trigrams need not be next
 * to each other), so the caller checks the number itself with instr(). A
 * trigram with the '+' is left out when the digits have one of their own:
 * "+44" is in a great many recipients and narrows little. A repeated
 * trigram is named once. */
static char *
recipient_trigram_query (const char *number)
{
  GString *query = g_string_new (NULL);
  const char *digits = number[0] == '+' ? number + 1 : number;
  const char *from = strlen (digits) >= 3 ? digits : number;
  size_t len = strlen (from);

  g_return_val_if_fail (len >= 3, g_string_free (query, FALSE));

  for (size_t i = 0;; i = MIN (i + 3, len - 3))
    {
      char quoted[6] = { '"', from[i], from[i + 1], from[i + 2], '"', '\0' };

      if (strstr (query->str, quoted) == NULL)
        {
          if (query->len > 0)
            g_string_append_c (query, ' ');
          g_string_append (query, quoted);
        }
      if (i + 3 >= len)
        break;
    }

  return g_string_free (query, FALSE);
}

/* Reading only the first rows of an order, a short number ("+35799",
 * "4479": a country and network, common) is checked in each row in order,
 * which stops after a screenful, where the recipient index would first
 * collect a third of the file; a longer one (a subscriber's digits, rare)
 * comes from the index, which finds its few rows at once. */
#define FIRST_ROWS_TRIGRAM_CHARS 7

/* The search text as sr-message-filter-private.h reads it: the words in
 * one FTS5 query (every word quoted, so nothing the user types is FTS
 * syntax), each number as "recipient contains it, or a word starts with
 * it". "Contains" comes from the recipient's trigram index (schema 6) for
 * a number of three characters or more: the rows that have trigrams
 * covering it, checked with instr(); a shorter one has no trigram
 * and is looked for in each row (and see FIRST_ROWS_TRIGRAM_CHARS). Only punctuation: LIKE on the three
 * columns, as before the index. */
static void
append_message_search (SrSqlBuilder *builder,
                       const char   *search)
{
  g_auto(SrSearchTerms) terms = { NULL, };
  g_autofree char *words_query = NULL;

  if (!sr_search_terms_parse (&terms, search))
    {
      g_autofree char *pattern = like_contains_pattern (search);

      sr_sql_builder_and (builder);
      sr_sql_builder_append (builder,
                             "(recipient LIKE ? ESCAPE '\\' OR message LIKE ? ESCAPE '\\'"
                             " OR sender_id LIKE ? ESCAPE '\\')");
      for (guint i = 0; i < 3; i++)
        sr_sql_builder_add_text (builder, pattern);
      return;
    }

  words_query = sr_search_fts_query (terms.words);
  if (words_query != NULL)
    {
      sr_sql_builder_and (builder);
      sr_sql_builder_append (builder, "%s", FTS_MATCH (builder));
      sr_sql_builder_add_text (builder, words_query);
    }

  for (guint i = 0; i < terms.numbers->len; i++)
    {
      const char *number = g_ptr_array_index (terms.numbers, i);
      g_autoptr(GPtrArray) digits = g_ptr_array_new ();
      g_autofree char *digits_query = NULL;

      g_ptr_array_add (digits, (gpointer) (number[0] == '+' ? number + 1 : number));
      digits_query = sr_search_fts_query (digits);

      sr_sql_builder_and (builder);
      if (sr_search_number_has_trigram (number) &&
          (!builder->first_rows || strlen (number) >= FIRST_ROWS_TRIGRAM_CHARS))
        {
          /* Digits and "+" only: nothing to quote. */
          g_autofree char *trigrams = recipient_trigram_query (number);

          sr_sql_builder_append (builder, "((%s AND instr (recipient, ?) > 0) OR %s)",
                                 RECIPIENT_MATCH (builder), FTS_MATCH (builder));
          sr_sql_builder_add_text (builder, trigrams);
          sr_sql_builder_add_text (builder, number);
        }
      else
        {
          sr_sql_builder_append (builder, "(instr (recipient, ?) > 0 OR %s)", FTS_MATCH (builder));
          sr_sql_builder_add_text (builder, number);
        }
      sr_sql_builder_add_text (builder, digits_query);
    }
}

/* The one translation of SrMessageFilter into SQL; sr_message_filter_matches()
 * applies the same rules in C (NULL and "" strings mean "no condition"). */
void
sr_sql_append_message_filter (SrSqlBuilder          *builder,
                              const SrMessageFilter *filter)
{
  if (filter == NULL)
    return;

  if (filter->status_mask != 0)
    {
      const guint all = (1u << SR_N_STATUSES) - 1;
      guint mask = filter->status_mask & all;

      if (mask != all)
        {
          gboolean first = TRUE;

          sr_sql_builder_and (builder);
          if (mask == 0)
            sr_sql_builder_append (builder, "0");
          else
            {
              sr_sql_builder_append (builder, "status_code IN (");
              for (guint i = 0; i < SR_N_STATUSES; i++)
                {
                  if (mask & (1u << i))
                    {
                      sr_sql_builder_append (builder, first ? "%u" : ", %u", i);
                      first = FALSE;
                    }
                }
              sr_sql_builder_append (builder, ")");
            }
        }
    }

  if (filter->from != SR_TIME_NONE)
    {
      sr_sql_builder_and (builder);
      sr_sql_builder_append (builder, "created_at >= ?");
      sr_sql_builder_add_int64 (builder, filter->from);
    }

  if (filter->to != SR_TIME_NONE)
    {
      sr_sql_builder_and (builder);
      sr_sql_builder_append (builder, "created_at < ?");
      sr_sql_builder_add_int64 (builder, filter->to);
    }

  if (sr_sql_is_set (filter->campaign_id))
    {
      sr_sql_builder_and (builder);
      sr_sql_builder_append (builder, "campaign_id = ?");
      sr_sql_builder_add_text (builder, filter->campaign_id);
    }

  if (sr_sql_is_set (filter->recipient))
    {
      /* Case-sensitive substring, like strstr() */
      sr_sql_builder_and (builder);
      sr_sql_builder_append (builder, "instr (recipient, ?) > 0");
      sr_sql_builder_add_text (builder, filter->recipient);
    }

  if (sr_sql_is_set (filter->sender_id))
    {
      sr_sql_builder_and (builder);
      sr_sql_builder_append (builder, "sender_id = ?");
      sr_sql_builder_add_text (builder, filter->sender_id);
    }

  if (sr_sql_is_set (filter->search))
    append_message_search (builder, filter->search);

  if (sr_sql_is_set (filter->failed_reason))
    {
      sr_sql_builder_and (builder);
      sr_sql_builder_append (builder, "failed_reason = ?");
      sr_sql_builder_add_text (builder, filter->failed_reason);
    }

  if (sr_sql_is_set (filter->country_prefix))
    {
      g_autofree char *bound = prefix_upper_bound (filter->country_prefix);

      sr_sql_builder_and (builder);
      sr_sql_builder_append (builder, "recipient >= ?");
      sr_sql_builder_add_text (builder, filter->country_prefix);
      if (bound != NULL)
        {
          sr_sql_builder_append (builder, " AND recipient < ?");
          sr_sql_builder_add_text (builder, bound);
        }
    }
}

void
sr_sql_append_message_condition (SrSqlBuilder          *builder,
                                 const SrMessageFilter *filter)
{
  guint n_conditions = builder->n_conditions;

  builder->expression = TRUE;
  builder->n_conditions = 0;
  sr_sql_append_message_filter (builder, filter);
  sr_sql_builder_append (builder, builder->n_conditions > 0 ? ")" : "(1)");
  builder->expression = FALSE;
  builder->n_conditions = n_conditions;
}

/* Every sort ends with created_at and rowid so that equal keys keep a
 * stable, chronological order; the (key, created_at) indexes serve it. */
void
sr_sql_append_message_order (SrSqlBuilder  *builder,
                             SrMessageSort  sort,
                             gboolean       descending)
{
  const char *dir = descending ? " DESC" : "";
  const char *key = NULL;

  switch (sort)
    {
    case SR_MESSAGE_SORT_CREATED:
      break;
    case SR_MESSAGE_SORT_SENT:
      key = "sent_at";
      break;
    case SR_MESSAGE_SORT_RECIPIENT:
      key = "recipient";
      break;
    case SR_MESSAGE_SORT_SENDER:
      key = "sender_id";
      break;
    case SR_MESSAGE_SORT_STATUS:
      sr_sql_builder_append (builder, " ORDER BY status_code%s, status_raw%s,", dir, dir);
      break;
    case SR_MESSAGE_SORT_PARTS:
      key = "sms_count";
      break;
    case SR_MESSAGE_SORT_COST:
      key = "cost";
      break;
    case SR_MESSAGE_SORT_CAMPAIGN:
      key = "campaign_id";
      break;
    default:
      g_warn_if_reached ();
      break;
    }

  if (key != NULL)
    sr_sql_builder_append (builder, " ORDER BY %s%s,", key, dir);
  else if (sort != SR_MESSAGE_SORT_STATUS)
    sr_sql_builder_append (builder, " ORDER BY");

  sr_sql_builder_append (builder, " created_at%s, rowid%s", dir, dir);
}

static void
append_campaign_search (SrSqlBuilder *builder,
                        const char   *search)
{
  g_autofree char *pattern = NULL;

  if (!sr_sql_is_set (search))
    return;

  pattern = like_contains_pattern (search);
  sr_sql_builder_and (builder);
  sr_sql_builder_append (builder,
                         "(id LIKE ? ESCAPE '\\' OR sender_id LIKE ? ESCAPE '\\'"
                         " OR message LIKE ? ESCAPE '\\')");
  for (guint i = 0; i < 3; i++)
    sr_sql_builder_add_text (builder, pattern);
}

void
sr_sql_append_campaign_filter (SrSqlBuilder           *builder,
                               const SrCampaignFilter *filter)
{
  if (filter == NULL)
    return;

  append_campaign_search (builder, filter->search);

  if (filter->from != SR_TIME_NONE)
    {
      sr_sql_builder_and (builder);
      sr_sql_builder_append (builder, "created_at >= ?");
      sr_sql_builder_add_int64 (builder, filter->from);
    }

  if (filter->to != SR_TIME_NONE)
    {
      sr_sql_builder_and (builder);
      sr_sql_builder_append (builder, "created_at < ?");
      sr_sql_builder_add_int64 (builder, filter->to);
    }

  if (sr_sql_is_set (filter->sender_id))
    {
      sr_sql_builder_and (builder);
      sr_sql_builder_append (builder, "sender_id = ?");
      sr_sql_builder_add_text (builder, filter->sender_id);
    }

  if (sr_sql_is_set (filter->status))
    {
      sr_sql_builder_and (builder);
      sr_sql_builder_append (builder, "status = ? COLLATE NOCASE");
      sr_sql_builder_add_text (builder, filter->status);
    }

  switch (filter->source)
    {
    case SR_CAMPAIGN_SOURCE_ANY:
      break;
    case SR_CAMPAIGN_SOURCE_WEB:
      sr_sql_builder_and (builder);
      sr_sql_builder_append (builder, "is_api = 0");
      break;
    case SR_CAMPAIGN_SOURCE_API:
      sr_sql_builder_and (builder);
      sr_sql_builder_append (builder, "is_api != 0");
      break;
    default:
      g_warn_if_reached ();
      break;
    }
}

void
sr_sql_append_campaign_order (SrSqlBuilder   *builder,
                              SrCampaignSort  sort,
                              gboolean        descending)
{
  const char *dir = descending ? " DESC" : "";
  const char *key = NULL;

  switch (sort)
    {
    case SR_CAMPAIGN_SORT_CREATED:
      break;
    case SR_CAMPAIGN_SORT_SENDER:
      key = "sender_id";
      break;
    case SR_CAMPAIGN_SORT_RECIPIENTS:
      key = CAMPAIGN_RECIPIENTS_SQL;
      break;
    case SR_CAMPAIGN_SORT_DELIVERY_RATE:
      key = CAMPAIGN_DELIVERY_RATE_SQL;
      break;
    case SR_CAMPAIGN_SORT_COST:
      key = "client_total_cost";
      break;
    default:
      g_warn_if_reached ();
      break;
    }

  if (key != NULL)
    sr_sql_builder_append (builder, " ORDER BY %s%s, created_at%s, rowid%s", key, dir, dir, dir);
  else
    sr_sql_builder_append (builder, " ORDER BY created_at%s, rowid%s", dir, dir);
}

void
sr_sql_append_limit (SrSqlBuilder *builder,
                     gint64        limit,
                     gint64        offset)
{
  if (limit < 0 && offset <= 0)
    return;

  sr_sql_builder_append (builder, " LIMIT ? OFFSET ?");
  sr_sql_builder_add_int64 (builder, limit < 0 ? -1 : limit);
  sr_sql_builder_add_int64 (builder, MAX (offset, 0));
}

/* --- rows to records ---------------------------------------------------- */

SrMessage *
sr_sql_message_from_row (sqlite3_stmt *stmt)
{
  SrMessage *message = sr_message_new_empty ();
  int code;

  message->id = sr_db_column_dup_text (stmt, MSG_COL_ID);
  message->campaign_id = sr_db_column_dup_text (stmt, MSG_COL_CAMPAIGN_ID);
  message->to = sr_db_column_dup_text (stmt, MSG_COL_RECIPIENT);
  message->sender_id = sr_db_column_dup_text (stmt, MSG_COL_SENDER_ID);
  message->message = sr_db_column_dup_text (stmt, MSG_COL_MESSAGE);
  message->status_raw = sr_db_column_dup_text (stmt, MSG_COL_STATUS_RAW);
  message->failed_reason = sr_db_column_dup_text (stmt, MSG_COL_FAILED_REASON);
  message->timezone = sr_db_column_dup_text (stmt, MSG_COL_TIMEZONE);
  message->message_type = sr_db_column_dup_text (stmt, MSG_COL_MESSAGE_TYPE);
  message->user_id = sr_db_column_dup_text (stmt, MSG_COL_USER_ID);
  message->callback_url = sr_db_column_dup_text (stmt, MSG_COL_CALLBACK_URL);
  message->provider = sr_db_column_dup_text (stmt, MSG_COL_PROVIDER);
  message->message_id = sr_db_column_dup_text (stmt, MSG_COL_MESSAGE_ID);
  message->internal_failed_reason = sr_db_column_dup_text (stmt, MSG_COL_INTERNAL_FAILED_REASON);
  message->created_at = sqlite3_column_int64 (stmt, MSG_COL_CREATED_AT);
  message->updated_at = sqlite3_column_int64 (stmt, MSG_COL_UPDATED_AT);
  message->sent_at = sqlite3_column_int64 (stmt, MSG_COL_SENT_AT);
  message->scheduled_for = sqlite3_column_int64 (stmt, MSG_COL_SCHEDULED_FOR);
  message->cost = sqlite3_column_double (stmt, MSG_COL_COST);
  message->sms_count = sqlite3_column_int (stmt, MSG_COL_SMS_COUNT);
  message->is_api = sqlite3_column_int (stmt, MSG_COL_IS_API) != 0;
  message->optout = sqlite3_column_int (stmt, MSG_COL_OPTOUT) != 0;
  message->final_callback_sent = sqlite3_column_int (stmt, MSG_COL_FINAL_CALLBACK_SENT) != 0;

  code = sqlite3_column_int (stmt, MSG_COL_STATUS_CODE);
  message->status = (code >= 0 && code < SR_N_STATUSES) ? (SrStatus) code : SR_STATUS_UNKNOWN;

  if (message->id == NULL)
    message->id = g_strdup ("");
  if (message->status_raw == NULL)
    message->status_raw = g_strdup ("");

  return message;
}

SrCampaign *
sr_sql_campaign_from_row (sqlite3_stmt *stmt)
{
  SrCampaign *campaign = sr_campaign_new_empty ();

  campaign->id = sr_db_column_dup_text (stmt, CAM_COL_ID);
  campaign->campaign_type = sr_db_column_dup_text (stmt, CAM_COL_CAMPAIGN_TYPE);
  campaign->user_id = sr_db_column_dup_text (stmt, CAM_COL_USER_ID);
  campaign->sender_id = sr_db_column_dup_text (stmt, CAM_COL_SENDER_ID);
  campaign->template_id = sr_db_column_dup_text (stmt, CAM_COL_TEMPLATE_ID);
  campaign->message = sr_db_column_dup_text (stmt, CAM_COL_MESSAGE);
  campaign->list_id = sr_db_column_dup_text (stmt, CAM_COL_LIST_ID);
  campaign->status = sr_db_column_dup_text (stmt, CAM_COL_STATUS);
  campaign->callback_url = sr_db_column_dup_text (stmt, CAM_COL_CALLBACK_URL);
  campaign->timezone = sr_db_column_dup_text (stmt, CAM_COL_TIMEZONE);
  campaign->client_total_cost = sqlite3_column_double (stmt, CAM_COL_CLIENT_TOTAL_COST);
  campaign->estimated_cost = sqlite3_column_double (stmt, CAM_COL_ESTIMATED_COST);
  campaign->delivered_messages = sqlite3_column_int64 (stmt, CAM_COL_DELIVERED_MESSAGES);
  campaign->failed_messages = sqlite3_column_int64 (stmt, CAM_COL_FAILED_MESSAGES);
  campaign->pending_messages = sqlite3_column_int64 (stmt, CAM_COL_PENDING_MESSAGES);
  campaign->sent_messages = sqlite3_column_int64 (stmt, CAM_COL_SENT_MESSAGES);
  campaign->scheduled_for = sqlite3_column_int64 (stmt, CAM_COL_SCHEDULED_FOR);
  campaign->created_at = sqlite3_column_int64 (stmt, CAM_COL_CREATED_AT);
  campaign->updated_at = sqlite3_column_int64 (stmt, CAM_COL_UPDATED_AT);
  campaign->canceled_at = sqlite3_column_int64 (stmt, CAM_COL_CANCELED_AT);
  campaign->sms_count = sqlite3_column_int (stmt, CAM_COL_SMS_COUNT);
  campaign->bypass_optout = sqlite3_column_int (stmt, CAM_COL_BYPASS_OPTOUT) != 0;
  campaign->is_api = sqlite3_column_int (stmt, CAM_COL_IS_API) != 0;

  if (campaign->id == NULL)
    campaign->id = g_strdup ("");

  return campaign;
}

void
sr_sql_bind_message (sqlite3_stmt *stmt,
                     SrMessage    *message)
{
  sr_db_bind_text (stmt, MSG_COL_ID, message->id);
  sr_db_bind_text (stmt, MSG_COL_CAMPAIGN_ID, message->campaign_id);
  sr_db_bind_text (stmt, MSG_COL_RECIPIENT, message->to);
  sr_db_bind_text (stmt, MSG_COL_SENDER_ID, message->sender_id);
  sr_db_bind_text (stmt, MSG_COL_MESSAGE, message->message);
  sr_db_bind_text (stmt, MSG_COL_STATUS_RAW, message->status_raw != NULL ? message->status_raw : "");
  sqlite3_bind_int (stmt, MSG_COL_STATUS_CODE, (int) message->status);
  sr_db_bind_text (stmt, MSG_COL_FAILED_REASON, message->failed_reason);
  sr_db_bind_text (stmt, MSG_COL_TIMEZONE, message->timezone);
  sr_db_bind_text (stmt, MSG_COL_MESSAGE_TYPE, message->message_type);
  sr_db_bind_text (stmt, MSG_COL_USER_ID, message->user_id);
  sr_db_bind_text (stmt, MSG_COL_CALLBACK_URL, message->callback_url);
  sr_db_bind_text (stmt, MSG_COL_PROVIDER, message->provider);
  sr_db_bind_text (stmt, MSG_COL_MESSAGE_ID, message->message_id);
  sr_db_bind_text (stmt, MSG_COL_INTERNAL_FAILED_REASON, message->internal_failed_reason);
  sqlite3_bind_int64 (stmt, MSG_COL_CREATED_AT, message->created_at);
  sr_db_bind_time (stmt, MSG_COL_UPDATED_AT, message->updated_at);
  sr_db_bind_time (stmt, MSG_COL_SENT_AT, message->sent_at);
  sr_db_bind_time (stmt, MSG_COL_SCHEDULED_FOR, message->scheduled_for);
  sqlite3_bind_double (stmt, MSG_COL_COST, message->cost);
  sqlite3_bind_int (stmt, MSG_COL_SMS_COUNT, message->sms_count);
  sqlite3_bind_int (stmt, MSG_COL_IS_API, message->is_api);
  sqlite3_bind_int (stmt, MSG_COL_OPTOUT, message->optout);
  sqlite3_bind_int (stmt, MSG_COL_FINAL_CALLBACK_SENT, message->final_callback_sent);
}

static inline gint64
clamp_counter (gint64 value)
{
  return CLAMP (value, 0, G_MAXINT64 / 4);
}

void
sr_sql_bind_campaign (sqlite3_stmt *stmt,
                      SrCampaign   *campaign)
{
  sr_db_bind_text (stmt, CAM_COL_ID, campaign->id);
  sr_db_bind_text (stmt, CAM_COL_CAMPAIGN_TYPE, campaign->campaign_type);
  sr_db_bind_text (stmt, CAM_COL_USER_ID, campaign->user_id);
  sr_db_bind_text (stmt, CAM_COL_SENDER_ID, campaign->sender_id);
  sr_db_bind_text (stmt, CAM_COL_TEMPLATE_ID, campaign->template_id);
  sr_db_bind_text (stmt, CAM_COL_MESSAGE, campaign->message);
  sr_db_bind_text (stmt, CAM_COL_LIST_ID, campaign->list_id);
  sr_db_bind_text (stmt, CAM_COL_STATUS, campaign->status);
  sr_db_bind_text (stmt, CAM_COL_CALLBACK_URL, campaign->callback_url);
  sr_db_bind_text (stmt, CAM_COL_TIMEZONE, campaign->timezone);
  sqlite3_bind_double (stmt, CAM_COL_CLIENT_TOTAL_COST, campaign->client_total_cost);
  sqlite3_bind_double (stmt, CAM_COL_ESTIMATED_COST, campaign->estimated_cost);
  /* Clamped like the SrCampaign getters do, so the sort expressions agree
   * with sr_campaign_get_recipients() and sr_campaign_get_delivery_rate(). */
  sqlite3_bind_int64 (stmt, CAM_COL_DELIVERED_MESSAGES, clamp_counter (campaign->delivered_messages));
  sqlite3_bind_int64 (stmt, CAM_COL_FAILED_MESSAGES, clamp_counter (campaign->failed_messages));
  sqlite3_bind_int64 (stmt, CAM_COL_PENDING_MESSAGES, clamp_counter (campaign->pending_messages));
  sqlite3_bind_int64 (stmt, CAM_COL_SENT_MESSAGES, clamp_counter (campaign->sent_messages));
  sr_db_bind_time (stmt, CAM_COL_SCHEDULED_FOR, campaign->scheduled_for);
  sqlite3_bind_int64 (stmt, CAM_COL_CREATED_AT, campaign->created_at);
  sr_db_bind_time (stmt, CAM_COL_UPDATED_AT, campaign->updated_at);
  sr_db_bind_time (stmt, CAM_COL_CANCELED_AT, campaign->canceled_at);
  sqlite3_bind_int (stmt, CAM_COL_SMS_COUNT, campaign->sms_count);
  sqlite3_bind_int (stmt, CAM_COL_BYPASS_OPTOUT, campaign->bypass_optout);
  sqlite3_bind_int (stmt, CAM_COL_IS_API, campaign->is_api);
}

/* --- statements ---------------------------------------------------------- */

static char *
join_columns (const char * const *columns,
              guint               n_columns)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < n_columns; i++)
    g_string_append_printf (s, "%s%s", i > 0 ? ", " : "", columns[i]);

  return g_string_free (s, FALSE);
}

/* INSERT ... ON CONFLICT (id) DO UPDATE, binding column i to ?i. The update
 * only happens when a value differs, so sqlite3_changes() tells whether an
 * existing row really changed. */
char *
sr_sql_build_upsert (const char         *table,
                     const char * const *columns,
                     guint               n_columns,
                     guint64             keep)
{
  GString *s = g_string_new (NULL);
  gboolean first = TRUE;

  g_assert (n_columns > 2);
  g_assert (g_str_equal (columns[0], "rowid"));
  g_assert (g_str_equal (columns[1], "id"));

  g_string_append_printf (s, "INSERT INTO %s (", table);
  for (guint i = 1; i < n_columns; i++)
    g_string_append_printf (s, "%s%s", i > 1 ? ", " : "", columns[i]);
  g_string_append (s, ") VALUES (");
  for (guint i = 1; i < n_columns; i++)
    g_string_append_printf (s, "%s?%u", i > 1 ? ", " : "", i);
  g_string_append (s, ") ON CONFLICT (id) DO UPDATE SET ");
  for (guint i = 2; i < n_columns; i++)
    {
      if (keep & (G_GUINT64_CONSTANT (1) << i))
        continue;
      g_string_append_printf (s, "%s%s = excluded.%s",
                              first ? "" : ", ", columns[i], columns[i]);
      first = FALSE;
    }
  g_string_append (s, " WHERE ");
  for (guint i = 2; i < n_columns; i++)
    g_string_append_printf (s, "%s%s IS NOT excluded.%s",
                            i > 2 ? " OR " : "", columns[i], columns[i]);

  return g_string_free (s, FALSE);
}

char *
sr_sql_message_select (void)
{
  g_autofree char *columns = join_columns (sr_cache_message_columns, N_MSG_COLS);

  return g_strdup_printf ("SELECT %s FROM messages", columns);
}

char *
sr_sql_campaign_select (void)
{
  g_autofree char *columns = join_columns (sr_cache_campaign_columns, N_CAM_COLS);

  return g_strdup_printf ("SELECT %s FROM campaigns", columns);
}

/* --- running a query ------------------------------------------------------- */

gboolean
sr_sql_run_query (SrCacheReadPool  *pool,
                  SrSqlBuilder     *builder,
                  GCancellable     *cancellable,
                  SrSqlRowFunc      func,
                  gpointer          user_data,
                  GError          **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  sqlite3 *db;
  gboolean ok = FALSE;
  int rc;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  db = sr_cache_read_pool_acquire (pool, error);
  if (db == NULL)
    return FALSE;

  if (!sr_sql_builder_prepare (builder, db, &stmt, error))
    goto out;

  sr_db_watch_cancellable (db, cancellable);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (!func (stmt, user_data))
        break;
    }

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      sr_db_set_error (error, db, rc, "query");
      goto out;
    }

  ok = TRUE;

out:
  g_clear_pointer (&stmt, sqlite3_finalize);
  sr_cache_read_pool_release (pool, db);
  return ok;
}
