/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-test-loop.c: see sr-test-loop.h.
 */

#include "config.h"

#include "sr-test-loop.h"

static gboolean
on_flag_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

void
sr_test_wait_until (SrTestPredicate  predicate,
                    gpointer         data,
                    guint            timeout_s,
                    const char      *what)
{
  gboolean timed_out = FALSE;
  guint source = g_timeout_add_seconds (timeout_s, on_flag_cb, &timed_out);

  while (!predicate (data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (timed_out)
    g_error ("Timed out after %u s waiting for: %s", timeout_s, what);

  g_source_remove (source);
}

void
sr_test_spin (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, on_flag_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}
