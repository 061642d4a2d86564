/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sr-test-sandbox.c: starts sr-sandbox as a child process for tests and
 * benchmarks, talks to its /_sandbox control endpoints over a synchronous
 * SoupSession, and makes and removes temporary directories.
 *
 * Failures here are failures of the test setup, not of the code under test,
 * so they abort with g_error() instead of returning errors.
 */
#define G_LOG_DOMAIN "sr-test-sandbox"

#include "config.h"

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include "sr-test-sandbox.h"

/* Generating a million messages takes about a second, much longer under
 * sanitizers or valgrind. */
#define START_TIMEOUT_S 180
#define STOP_TIMEOUT_S  20

struct _SrTestSandbox
{
  GSubprocess       *process;      /* owned */
  GDataInputStream  *stdout_data;  /* owned; kept open so the child never gets SIGPIPE */
  char              *url;
  char              *api_key;
  GPid               pid;          /* kept: the identifier goes away at exit */
  gboolean           stopped;
};

typedef struct
{
  GMainContext *context;
  GAsyncResult *result;
  gboolean      timed_out;
} Waiter;

static void
waiter_ready_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Waiter *waiter = user_data;

  g_assert (waiter != NULL);
  waiter->result = g_object_ref (result);
  g_main_context_wakeup (waiter->context);
}

static gboolean
waiter_timeout_cb (gpointer user_data)
{
  Waiter *waiter = user_data;

  waiter->timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the waiter's private context until the async call finished or the
 * timeout passed; returns FALSE on timeout (the call is then cancelled). */
static gboolean
waiter_run (Waiter       *waiter,
            GCancellable *cancellable,
            guint         timeout_s)
{
  g_autoptr(GSource) timeout = g_timeout_source_new_seconds (timeout_s);

  g_source_set_callback (timeout, waiter_timeout_cb, waiter, NULL);
  g_source_attach (timeout, waiter->context);
  while (waiter->result == NULL && !waiter->timed_out)
    g_main_context_iteration (waiter->context, TRUE);
  g_source_destroy (timeout);
  if (waiter->result != NULL)
    return TRUE;

  /* let the cancelled call finish so it does not outlive the context */
  g_cancellable_cancel (cancellable);
  while (waiter->result == NULL)
    g_main_context_iteration (waiter->context, TRUE);
  return FALSE;
}

static gboolean
args_have_api_key (const char * const *args,
                   const char        **out_key)
{
  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    {
      if (strcmp (args[i], "--api-key") == 0 && args[i + 1] != NULL)
        {
          *out_key = args[i + 1];
          return TRUE;
        }
      if (g_str_has_prefix (args[i], "--api-key="))
        {
          *out_key = args[i] + strlen ("--api-key=");
          return TRUE;
        }
    }
  return FALSE;
}

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

SrTestSandbox *
sr_test_sandbox_startv (const char * const *args)
{
  const char *path = g_getenv ("SR_SANDBOX_PATH");
  const char *key = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  Waiter waiter = { context, NULL, FALSE };
  SrTestSandbox *self;

  if (path == NULL || *path == '\0')
    g_error ("SR_SANDBOX_PATH is not set; run the tests through meson test");

  g_ptr_array_add (argv, (gpointer) path);
  g_ptr_array_add (argv, (gpointer) "--port");
  g_ptr_array_add (argv, (gpointer) "0");
  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  if (!args_have_api_key (args, &key))
    {
      key = "test-key";
      g_ptr_array_add (argv, (gpointer) "--api-key");
      g_ptr_array_add (argv, (gpointer) key);
    }
  g_ptr_array_add (argv, NULL);

  self = g_new0 (SrTestSandbox, 1);
  self->api_key = g_strdup (key);

  /* stderr is inherited: nobody would read a pipe, and a full pipe would
   * block the server */
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  /* A test that aborts must not leave its server running (it would also
   * keep meson waiting on the inherited stderr). */
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  self->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  if (self->process == NULL)
    g_error ("Cannot start %s: %s", path, error->message);
  self->pid = (GPid) atoi (g_subprocess_get_identifier (self->process));
  self->stdout_data = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->process));

  g_main_context_push_thread_default (context);
  g_data_input_stream_read_line_async (self->stdout_data, G_PRIORITY_DEFAULT, cancellable,
                                       waiter_ready_cb, &waiter);
  if (!waiter_run (&waiter, cancellable, START_TIMEOUT_S))
    {
      g_main_context_pop_thread_default (context);
      g_clear_object (&waiter.result);
      g_error ("%s did not print its URL within %d s", path, START_TIMEOUT_S);
    }
  line = g_data_input_stream_read_line_finish (self->stdout_data, waiter.result, NULL, &error);
  g_clear_object (&waiter.result);
  g_main_context_pop_thread_default (context);

  if (line == NULL)
    g_error ("%s exited before printing its URL%s%s", path,
             error != NULL ? ": " : "", error != NULL ? error->message : "");
  g_strstrip (line);
  if (!g_str_has_prefix (line, "http://"))
    g_error ("%s printed “%s” instead of its URL", path, line);

  self->url = g_steal_pointer (&line);
  g_debug ("sandbox %d at %s", (int) self->pid, self->url);
  return self;
}

SrTestSandbox *
sr_test_sandbox_start (const char *first_arg,
                       ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  va_list ap;

  va_start (ap, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  return sr_test_sandbox_startv ((const char * const *) args->pdata);
}

const char *
sr_test_sandbox_get_url (SrTestSandbox *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->url;
}

const char *
sr_test_sandbox_get_api_key (SrTestSandbox *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->api_key;
}

GPid
sr_test_sandbox_get_pid (SrTestSandbox *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->pid;
}

/* One short-lived session per call: tests may call these from any thread,
 * and a session belongs to the thread that first used it. */
static JsonObject *
control_request (SrTestSandbox *self,
                 const char    *method,
                 const char    *path_and_query,
                 JsonParser   **out_parser)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 120, NULL);
  g_autofree char *uri = g_strconcat (self->url, path_and_query, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, uri);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonNode *root;
  const char *data;
  gsize len;

  g_assert (self->url != NULL);
  if (msg == NULL)
    g_error ("Invalid sandbox URL %s", uri);
  /* the sandbox is on loopback: an http_proxy in the environment must not
   * catch these requests */
  soup_session_set_proxy_resolver (session, NULL);

  body = soup_session_send_and_read (session, msg, NULL, &error);
  if (body == NULL)
    g_error ("%s %s: %s", method, uri, error->message);
  if (soup_message_get_status (msg) != SOUP_STATUS_OK)
    g_error ("%s %s: HTTP %u", method, uri, soup_message_get_status (msg));

  data = g_bytes_get_data (body, &len);
  if (!json_parser_load_from_data (parser, data, (gssize) len, &error))
    g_error ("%s %s: %s", method, uri, error->message);
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    g_error ("%s %s: the body is not a JSON object", method, uri);

  *out_parser = g_steal_pointer (&parser);
  return json_node_get_object (root);
}

void
sr_test_sandbox_get_summary (SrTestSandbox  *self,
                             gint64         *out_total,
                             char          **out_checksum,
                             GHashTable    **out_by_status)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *object;

  g_return_if_fail (self != NULL);

  object = control_request (self, "GET", "/_sandbox/summary", &parser);
  if (out_total != NULL)
    *out_total = json_object_get_int_member (object, "total");
  if (out_checksum != NULL)
    *out_checksum = g_strdup (json_object_get_string_member (object, "checksum"));
  if (out_by_status != NULL)
    {
      JsonObject *by_status = json_object_get_object_member (object, "by_status");
      g_autoptr(GList) members = NULL;

      *out_by_status = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      if (by_status != NULL)
        members = json_object_get_members (by_status);
      for (GList *l = members; l != NULL; l = l->next)
        g_hash_table_insert (*out_by_status, g_strdup (l->data),
                             GINT_TO_POINTER ((int) json_object_get_int_member (by_status, l->data)));
    }
}

void
sr_test_sandbox_advance (SrTestSandbox *self,
                         int            seconds)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (self != NULL);
  g_return_if_fail (seconds >= 0);

  path = g_strdup_printf ("/_sandbox/advance?seconds=%d", seconds);
  control_request (self, "POST", path, &parser);
}

static void
post_number (SrTestSandbox *self,
             const char    *path_and_name,
             double         value)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autofree char *path = NULL;
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  path = g_strconcat (path_and_name, "=", g_ascii_dtostr (buf, sizeof buf, value), NULL);
  control_request (self, "POST", path, &parser);
}

void
sr_test_sandbox_set_balance (SrTestSandbox *self,
                             double         balance)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (balance >= 0);

  post_number (self, "/_sandbox/balance?value", balance);
}

void
sr_test_sandbox_set_delivery_failures (SrTestSandbox *self,
                                       double         share)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (share >= 0 && share <= 1);

  post_number (self, "/_sandbox/delivery?fail", share);
}

void
sr_test_sandbox_get_counters (SrTestSandbox *self,
                              gint64        *out_requests,
                              gint64        *out_faults)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *object;

  g_return_if_fail (self != NULL);

  object = control_request (self, "GET", "/_sandbox/stats", &parser);
  if (out_requests != NULL)
    *out_requests = json_object_get_int_member (object, "requests");
  if (out_faults != NULL)
    *out_faults = json_object_get_int_member (object, "faults");
}

gint64
sr_test_sandbox_get_stat (SrTestSandbox *self,
                          const char    *name)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *object;

  g_return_val_if_fail (self != NULL, -1);

  object = control_request (self, "GET", "/_sandbox/stats", &parser);
  return json_object_get_int_member_with_default (object, name, -1);
}

/* Waits up to timeout_s for the process to exit; FALSE on timeout. */
static gboolean
wait_for_exit (GSubprocess *process,
               guint        timeout_s)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Waiter waiter = { context, NULL, FALSE };
  gboolean exited;

  g_main_context_push_thread_default (context);
  g_subprocess_wait_async (process, cancellable, waiter_ready_cb, &waiter);
  exited = waiter_run (&waiter, cancellable, timeout_s);
  g_main_context_pop_thread_default (context);
  if (exited)
    exited = g_subprocess_wait_finish (process, waiter.result, NULL);
  g_clear_object (&waiter.result);
  return exited;
}

void
sr_test_sandbox_stop (SrTestSandbox *self)
{
  g_return_if_fail (self != NULL);

  if (self->stopped || self->process == NULL)
    return;
  self->stopped = TRUE;

  g_subprocess_send_signal (self->process, SIGTERM);
  if (!wait_for_exit (self->process, STOP_TIMEOUT_S))
    {
      g_warning ("sr-sandbox %d did not exit on SIGTERM, killing it", (int) self->pid);
      g_subprocess_force_exit (self->process);
      wait_for_exit (self->process, STOP_TIMEOUT_S);
    }
  else if (!g_subprocess_get_if_exited (self->process) ||
           g_subprocess_get_exit_status (self->process) != 0)
    {
      /* not fatal: a test may have killed it on purpose */
      g_message ("sr-sandbox %d did not exit cleanly", (int) self->pid);
    }
}

void
sr_test_sandbox_free (SrTestSandbox *self)
{
  if (self == NULL)
    return;

  sr_test_sandbox_stop (self);
  g_clear_object (&self->stdout_data);
  g_clear_object (&self->process);
  g_free (self->url);
  g_free (self->api_key);
  g_free (self);
}

char *
sr_test_make_tmpdir (const char *prefix)
{
  g_autofree char *tmpl = g_strdup_printf ("%s-XXXXXX", prefix != NULL ? prefix : "sr-test");
  g_autoptr(GError) error = NULL;
  char *path;

  path = g_dir_make_tmp (tmpl, &error);
  if (path == NULL)
    g_error ("Cannot make a temporary directory: %s", error->message);
  return path;
}

static void
remove_file_tree (GFile *file)
{
  g_autoptr(GFileEnumerator) children = NULL;
  g_autoptr(GError) error = NULL;

  /* never follow a symbolic link out of the tree */
  children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME ","
                                        G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  if (children != NULL)
    {
      for (;;)
        {
          GFileInfo *info = NULL;
          GFile *child = NULL;

          if (!g_file_enumerator_iterate (children, &info, &child, NULL, NULL) || info == NULL)
            break;
          if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
            remove_file_tree (child);
          else if (!g_file_delete (child, NULL, &error))
            {
              g_warning ("Cannot remove %s: %s", g_file_peek_path (child), error->message);
              g_clear_error (&error);
            }
        }
    }
  if (!g_file_delete (file, NULL, &error) && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    g_warning ("Cannot remove %s: %s", g_file_peek_path (file), error->message);
}

void
sr_test_remove_tree (const char *path)
{
  g_autoptr(GFile) file = NULL;

  if (path == NULL)
    return;
  file = g_file_new_for_path (path);
  remove_file_tree (file);
}

/* A Secret Service on the session bus (build-aux/test starts a throwaway
 * gnome-keyring); tests of the keyring skip themselves without one. */
gboolean
sr_test_have_secret_service (void)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GVariant) reply = NULL;
  gboolean has_owner = FALSE;

  if (bus == NULL)
    return FALSE;

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", "org.freedesktop.secrets"),
                                       G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE,
                                       -1, NULL, NULL);
  if (reply != NULL)
    g_variant_get (reply, "(b)", &has_owner);
  if (!has_owner)
    {
      /* gnome-keyring may be activatable rather than running */
      g_autoptr(GVariant) names = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                                               "org.freedesktop.DBus", "ListActivatableNames",
                                                               NULL, G_VARIANT_TYPE ("(as)"), G_DBUS_CALL_FLAGS_NONE,
                                                               -1, NULL, NULL);
      g_autofree const char **list = NULL;

      if (names != NULL)
        {
          g_variant_get (names, "(^a&s)", &list);
          has_owner = g_strv_contains (list, "org.freedesktop.secrets");
        }
    }
  return has_owner;
}
