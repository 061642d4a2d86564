/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-test-loop.h: main-loop helpers shared by the window tests and the
 * Dashboard benchmark: wait for a condition, or let the loop run a while.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef gboolean (*SrTestPredicate) (gpointer data);

/* Runs the default main context until predicate (data) holds; fails the
 * test (g_error) after timeout_s seconds, naming what it waited for. */
void sr_test_wait_until (SrTestPredicate  predicate,
                         gpointer         data,
                         guint            timeout_s,
                         const char      *what);
/* Runs the default main context for ms milliseconds. */
void sr_test_spin       (guint            ms);

G_END_DECLS
