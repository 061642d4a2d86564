/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-error-text.h: errors told the way a person understands them — what
 * happened and what to do — for the CLI and the app alike. The technical
 * detail (error->message, with SQLite's own words) is for `--verbose` and
 * debug logs only.
 *
 *   g_autofree char *text = sr_error_text_dup (error, sr_cache_get_path (cache));
 *
 *   show (text);
 *   if (sr_error_text_has_detail (error, text))
 *     g_debug ("%s", error->message);
 */
#pragma once

#include <glib.h>

#include "sr-types.h"

G_BEGIN_DECLS

/* A sentence or two for error. cache_path (may be NULL) is the local reports
 * file the error came from: the text names it and tells a folder in its
 * place from a failing disk. Errors whose message is already written for
 * people (the API's, the keyring's, a cancellation) come back unchanged. */
char     *sr_error_text_dup        (const GError *error,
                                    const char   *cache_path);
/* TRUE when text (from sr_error_text_dup()) left out error->message, so the
 * message is technical detail worth showing with --verbose or logging. */
gboolean  sr_error_text_has_detail (const GError *error,
                                    const char   *text);

/* What a person should know about how cache was opened, or NULL when all
 * is well: viewing only because the file cannot be written or the disk is
 * full, or deferred indexes waiting for room. For a banner in the app and a
 * note on standard error in the CLI. */
char     *sr_error_text_dup_cache_notice (SrCache *cache);

G_END_DECLS
