/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-api-parse-private.h: the two ways sr_api_parse_messages_page() reads a
 * page, separately, so that tests can hold them against each other.
 */
#pragma once

#include "sr-api-parse.h"

G_BEGIN_DECLS

/* The single-pass reader alone: NULL whenever it cannot be sure to give
 * json-glib's result (then it sets no error; the slow path decides). */
SrPage *sr_api_parse_messages_page_fast (GBytes  *body);
/* The json-glib path alone, the reference for results and errors. */
SrPage *sr_api_parse_messages_page_slow (GBytes  *body,
                                         GError **error);

/* What sr_api_parse_messages_page() reads instead of body: invalid UTF-8
 * made valid (U+FFFD), the escape \u0000 turned into \uFFFD. Adds the
 * number of repairs to *n_repairs. */
GBytes *sr_api_parse_repair_body        (GBytes  *body,
                                         guint   *n_repairs);

G_END_DECLS
