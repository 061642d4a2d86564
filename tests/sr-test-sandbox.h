/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-test-sandbox.h: helpers for tests and benchmarks: start sr-sandbox as a
 * child process on a free loopback port, talk to its /_sandbox control
 * endpoints, make temporary directories.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _SrTestSandbox SrTestSandbox;

/* Spawns $SR_SANDBOX_PATH --port 0 <args…> and waits for the URL on its first
 * stdout line. Aborts the test (g_error) if it does not start. When no
 * --api-key is given, "test-key" is passed. */
SrTestSandbox *sr_test_sandbox_start        (const char    *first_arg,
                                             ...) G_GNUC_NULL_TERMINATED;
SrTestSandbox *sr_test_sandbox_startv       (const char * const *args);
const char    *sr_test_sandbox_get_url      (SrTestSandbox *self);
const char    *sr_test_sandbox_get_api_key  (SrTestSandbox *self);
GPid           sr_test_sandbox_get_pid      (SrTestSandbox *self);

/* GET /_sandbox/summary at the current sandbox time: number of messages,
 * SHA-256 checksum over sorted "<id>:<STATUS>\n" lines (same as
 * sr_cache_dup_checksum), counts per status (char* → GINT_TO_POINTER). */
void           sr_test_sandbox_get_summary  (SrTestSandbox *self,
                                             gint64        *out_total,
                                             char         **out_checksum,
                                             GHashTable   **out_by_status);
/* POST /_sandbox/advance?seconds=N: moves the sandbox clock forward (live
 * mode): new messages arrive, pending ones settle. */
void           sr_test_sandbox_advance      (SrTestSandbox *self,
                                             int            seconds);
/* POST /_sandbox/balance?value=X: the balance /api/balance answers from now on. */
void           sr_test_sandbox_set_balance  (SrTestSandbox *self,
                                             double         balance);
/* POST /_sandbox/delivery?fail=F: this share of the new live messages fails. */
void           sr_test_sandbox_set_delivery_failures (SrTestSandbox *self,
                                                      double         share);
/* GET /_sandbox/stats: requests served so far, and how many of them were
 * answered with an injected fault. */
void           sr_test_sandbox_get_counters (SrTestSandbox *self,
                                             gint64        *out_requests,
                                             gint64        *out_faults);
/* One number of GET /_sandbox/stats ("jwts_issued", …); -1 when absent. */
gint64         sr_test_sandbox_get_stat     (SrTestSandbox *self,
                                             const char    *name);
/* SIGTERM, then waits for the process. Safe to call twice. */
void           sr_test_sandbox_stop         (SrTestSandbox *self);
void           sr_test_sandbox_free         (SrTestSandbox *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrTestSandbox, sr_test_sandbox_free)

/* A new empty directory under g_get_tmp_dir(); removed with
 * sr_test_remove_tree(). */
char          *sr_test_make_tmpdir          (const char    *prefix);
void           sr_test_remove_tree          (const char    *path);
/* A Secret Service is on the session bus (or can be started there). */
gboolean       sr_test_have_secret_service  (void);

G_END_DECLS
