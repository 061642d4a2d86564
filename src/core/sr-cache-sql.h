/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-cache-sql.h: the SQL builder of the cache, private to it: conditions
 * and parameters collected side by side, the one translation of each filter
 * and sort into SQL, row <-> record mapping, and running a built query on a
 * read connection.
 */
#pragma once

#include "sr-cache-db.h"
#include "sr-cache-schema.h"
#include "sr-campaign-filter.h"
#include "sr-message-filter.h"

G_BEGIN_DECLS

typedef struct
{
  GString *sql;
  GArray  *params;      /* SrSqlParam */
  guint    n_conditions;
  /* Set before the filter when the query reads only the first rows of its
   * ORDER BY: a text search then filters the scan of that order (the first
   * screenful of "jazz" in 12 ms instead of 100 at 200k rows) instead of
   * fetching every match and sorting them; a count or a full list is
   * faster the other way, driven by the full-text index. */
  gboolean first_rows;
  /* Set by sr_sql_append_message_condition(): the conditions form one
   * expression instead of a WHERE clause. */
  gboolean expression;
} SrSqlBuilder;

void     sr_sql_builder_init    (SrSqlBuilder  *builder,
                                 const char    *sql);
void     sr_sql_builder_clear   (SrSqlBuilder  *builder);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SrSqlBuilder, sr_sql_builder_clear)
void     sr_sql_builder_append  (SrSqlBuilder  *builder,
                                 const char    *format,
                                 ...) G_GNUC_PRINTF (2, 3);
/* Starts a condition: " WHERE " the first time, " AND " afterwards. */
void     sr_sql_builder_and     (SrSqlBuilder  *builder);
void     sr_sql_builder_add_text  (SrSqlBuilder *builder,
                                   const char   *value);
void     sr_sql_builder_add_int64 (SrSqlBuilder *builder,
                                   gint64        value);
/* The parameters are ?-placeholders in the order they were added; their
 * text stays owned by builder, which must outlive the statement's use. */
gboolean sr_sql_builder_prepare (SrSqlBuilder  *builder,
                                 sqlite3       *db,
                                 sqlite3_stmt **out_stmt,
                                 GError       **error);

/* NULL and "" both mean "no condition". */
static inline gboolean
sr_sql_is_set (const char *str)
{
  return str != NULL && *str != '\0';
}

/* The WHERE conditions of a filter (NULL: none) and the ORDER BY of a sort.
 * Every sort ends with created_at and rowid so that equal keys keep a
 * stable, chronological order. */
/* The same conditions as one parenthesised expression, "(1)" for none,
 * for a query that reads the rows of an order and tests each: see
 * sr_cache_query_message_rowids_limited(). */
void     sr_sql_append_message_condition (SrSqlBuilder         *builder,
                                          const SrMessageFilter *filter);
void     sr_sql_append_message_filter  (SrSqlBuilder           *builder,
                                        const SrMessageFilter  *filter);
void     sr_sql_append_message_order   (SrSqlBuilder           *builder,
                                        SrMessageSort           sort,
                                        gboolean                descending);
void     sr_sql_append_campaign_filter (SrSqlBuilder           *builder,
                                        const SrCampaignFilter *filter);
void     sr_sql_append_campaign_order  (SrSqlBuilder           *builder,
                                        SrCampaignSort          sort,
                                        gboolean                descending);
/* limit < 0: all; offset <= 0: from the start. */
void     sr_sql_append_limit           (SrSqlBuilder           *builder,
                                        gint64                  limit,
                                        gint64                  offset);

/* "SELECT <every column> FROM messages" (or campaigns), in the order of
 * sr_cache_message_columns, which the two from_row functions read. */
char       *sr_sql_message_select    (void);
char       *sr_sql_campaign_select   (void);
SrMessage  *sr_sql_message_from_row  (sqlite3_stmt *stmt);
SrCampaign *sr_sql_campaign_from_row (sqlite3_stmt *stmt);
/* INSERT ... ON CONFLICT (id) DO UPDATE of every column, column i bound to
 * ?i, and the binding of one record to it. */
/* Columns whose bit (1 << index) is in keep are compared (an upsert that
 * only differs there still counts as a change) but not written: the
 * caller writes them itself (the message text, for the search index). */
char       *sr_sql_build_upsert      (const char         *table,
                                      const char * const *columns,
                                      guint               n_columns,
                                      guint64             keep);
void        sr_sql_bind_message      (sqlite3_stmt *stmt,
                                      SrMessage    *message);
void        sr_sql_bind_campaign     (sqlite3_stmt *stmt,
                                      SrCampaign   *campaign);

/* Runs a built query on a connection of pool and hands each row to func;
 * stops early when func returns FALSE. Honours cancellable. */
typedef gboolean (*SrSqlRowFunc) (sqlite3_stmt *stmt,
                                  gpointer      user_data);

gboolean    sr_sql_run_query         (SrCacheReadPool  *pool,
                                      SrSqlBuilder     *builder,
                                      GCancellable     *cancellable,
                                      SrSqlRowFunc      func,
                                      gpointer          user_data,
                                      GError          **error);

G_END_DECLS
