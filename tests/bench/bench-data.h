/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * bench-data.h: the generated cache of the insights and export benchmarks
 * (see bench-data.c).
 */
#pragma once

#include "sr-core.h"

G_BEGIN_DECLS

/* The history ends here (a Friday, 18:00 local time in Cyprus). */
#define BENCH_DATA_END_UTC "2026-04-10T15:00:00Z"
#define BENCH_DATA_DAYS    90
#define BENCH_DATA_BATCH   10000

/* Opens path, filling it first when it does not hold n_messages. */
SrCache *bench_open_cache (const char  *path,
                           guint        n_messages,
                           GError     **error);

G_END_DECLS
