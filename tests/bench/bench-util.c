/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * bench-util.c: see bench-util.h.
 */

#include "config.h"

#include <string.h>

#include "bench-util.h"

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

double
bench_median (GArray *values)
{
  g_array_sort (values, compare_doubles);
  if (values->len == 0)
    return 0;
  if (values->len % 2)
    return g_array_index (values, double, values->len / 2);
  return (g_array_index (values, double, values->len / 2 - 1) +
          g_array_index (values, double, values->len / 2)) / 2;
}

void
bench_min_max (GArray *values,
               double *out_min,
               double *out_max)
{
  *out_min = *out_max = 0;
  for (guint i = 0; i < values->len; i++)
    {
      double v = g_array_index (values, double, i);

      if (i == 0 || v < *out_min)
        *out_min = v;
      if (i == 0 || v > *out_max)
        *out_max = v;
    }
}

char *
bench_dup_load_average (void)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;

  if (!g_file_get_contents ("/proc/loadavg", &text, NULL, NULL))
    return g_strdup ("load average unknown");

  fields = g_strsplit (g_strstrip (text), " ", 4);
  if (g_strv_length (fields) < 3)
    return g_strdup ("load average unknown");

  return g_strdup_printf ("load average %s %s %s", fields[0], fields[1], fields[2]);
}

double
bench_proc_status_mb (const char *field)
{
  g_autofree char *status = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  lines = g_strsplit (status, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (g_str_has_prefix (lines[i], field) && lines[i][strlen (field)] == ':')
        return g_ascii_strtod (lines[i] + strlen (field) + 1, NULL) / 1024.0;
    }
  return -1;
}
