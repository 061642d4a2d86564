/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * bench-util.h: what every benchmark reports the same way: the median of
 * its runs with their spread, and the machine's load while it ran.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Sorts values (a GArray of double) and returns their median; 0 when
 * empty. */
double bench_median    (GArray *values);
/* The smallest and largest value; both 0 when empty. */
void   bench_min_max   (GArray *values,
                        double *out_min,
                        double *out_max);
/* "load average 1.23 0.98 0.70" from /proc/loadavg, or "load average
 * unknown": results taken on a busy machine can be told apart. */
char  *bench_dup_load_average (void);
/* A field of /proc/self/status ("VmHWM", "RssAnon", …) in MB; -1 if
 * unknown. */
double bench_proc_status_mb   (const char *field);

G_END_DECLS
