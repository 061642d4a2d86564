/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-api-parse.h: pure functions from response bodies to records, liberal in
 * what they accept (docs/SMSTO-API.md, "Parsing rules"). No I/O, safe on any
 * thread, suitable for fuzzing.
 */
#pragma once

#include <gio/gio.h>

#include "sr-types.h"
#include "sr-time.h"

G_BEGIN_DECLS

/* Pagination envelope; a field the body did not carry is -1. */
typedef struct
{
  gint64 current_page;
  gint64 last_page;
  gint64 per_page;
  gint64 total;
  guint  n_skipped;   /* records dropped because they had no id (or were not objects) */
  guint  n_repaired;  /* records kept with a repaired or clamped field */
} SrPageInfo;

/* One parsed list page. items holds SrMessage or SrCampaign (owned). */
typedef struct
{
  GPtrArray  *items;
  SrPageInfo  info;
  gsize       n_bytes;        /* size of the body, for progress */
  double      fetch_seconds;  /* request sent → body received, last attempt (set by the client) */
  double      parse_seconds;  /* JSON → records (set by the client) */
} SrPage;

SrPage     *sr_page_new                    (void);
void        sr_page_free                   (SrPage *page);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrPage, sr_page_free)

/* All return NULL/FALSE with SR_API_ERROR_BAD_RESPONSE on a body that is not
 * JSON or has the wrong shape (no "data" array for a page, not an object for a
 * single record). Records without an id are skipped and counted. */
SrPage     *sr_api_parse_messages_page     (GBytes      *body,
                                            GError     **error);
SrPage     *sr_api_parse_campaigns_page    (GBytes      *body,
                                            GError     **error);
/* A bare object; a {"data": {...}} wrapper is accepted too. */
SrMessage  *sr_api_parse_message           (GBytes      *body,
                                            GError     **error);
SrCampaign *sr_api_parse_campaign          (GBytes      *body,
                                            GError     **error);
/* {"balance": 12.34, "currency": "EUR"}. A body without "balance" is an
 * SR_API_ERROR_UNAUTHORIZED error carrying the body's "message". */
gboolean    sr_api_parse_balance           (GBytes      *body,
                                            double      *out_balance,
                                            char       **out_currency,
                                            GError     **error);
/* The "message" of an error body, or NULL. */
char       *sr_api_parse_error_message     (GBytes      *body);

G_END_DECLS
